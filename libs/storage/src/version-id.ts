import { randomBytes } from 'node:crypto';

/**
 * Makes version ids that sort in creation order as plain strings: 12 hex digits of
 * milliseconds, 6 of a per-generator sequence, 8 random. Time never goes backwards within
 * one generator, so a clock moved back in tests keeps the order.
 */
export function createVersionIdGenerator(now: () => number = Date.now): () => string {
  let lastMs = 0;
  let sequence = 0;
  return () => {
    const ms = Math.max(now(), lastMs);
    sequence = ms === lastMs ? sequence + 1 : 0;
    lastMs = ms;
    return ms.toString(16).padStart(12, '0') + sequence.toString(16).padStart(6, '0') + randomBytes(4).toString('hex');
  };
}

/** Whether a string has the shape of a folder-store version id (or the S3 `null` version). */
export function isFolderVersionId(id: string): boolean {
  return id === 'null' || /^[0-9a-f]{26}$/.test(id);
}
