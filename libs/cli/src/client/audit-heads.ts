/**
 * The heads of audit logs that `lienthong audit verify` found valid, remembered per archive
 * endpoint and office in a state file next to the client configuration
 * (`lienthong-audit-heads.json`, or `--state FILE`). A chain cut short or rewritten from some
 * entry on is consistent in itself; only a head verified before, kept outside the archive,
 * shows it (libs/evidence README, "Audit chains").
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { AuditHead } from '@lienthong/evidence';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import type { ClientConfig } from './client-config.ts';

/** The state file's name, in the folder of the client configuration. */
export const auditHeadsFile = 'lienthong-audit-heads.json';

/** A head as remembered: its seq and hash, and when it was verified. */
export interface RememberedHead extends AuditHead {
  verifiedAt: string;
}

/** The remembered heads, by `endpoint office`. */
export type AuditHeads = Record<string, RememberedHead>;

/** The key of an office's chain at an archive endpoint. */
export const headKey = (endpoint: URL, office: string): string => `${endpoint.href} ${office}`;

/** Where the heads are kept: `option`, else next to the client configuration. */
export function auditHeadsPath(io: CliIo, config: ClientConfig, option: string | undefined): string {
  return option !== undefined ? resolve(io.cwd, option) : join(dirname(resolve(io.cwd, config.path)), auditHeadsFile);
}

const invalid = (path: string, why: string, cause?: unknown): CliError =>
  new CliError('AUDIT_STATE_INVALID', `${path}: ${why}.`, cause === undefined ? undefined : { cause });

const isHead = (value: unknown): value is RememberedHead => {
  const h = value as Partial<RememberedHead> | null;
  return (
    typeof h === 'object' &&
    h !== null &&
    Number.isSafeInteger(h.seq) &&
    (h.seq as number) >= 1 &&
    typeof h.hash === 'string' &&
    /^[0-9a-f]{64}$/.test(h.hash) &&
    typeof h.verifiedAt === 'string'
  );
};

/** The heads kept at `path` (none when there is no file yet); AUDIT_STATE_INVALID when it cannot be read as such. */
export function readAuditHeads(path: string): AuditHeads {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw invalid(path, `cannot be read (${(e as NodeJS.ErrnoException).code ?? String(e)})`, e);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw invalid(path, 'is not JSON', e);
  }
  const state = value as { version?: unknown; heads?: unknown } | null;
  if (typeof state !== 'object' || state === null || state.version !== 1 || typeof state.heads !== 'object')
    throw invalid(path, 'is not a state file of lienthong audit verify ({ "version": 1, "heads": { … } })');
  const heads = state.heads as Record<string, unknown> | null;
  if (heads === null || Array.isArray(heads)) throw invalid(path, '"heads" is not an object');
  for (const [key, head] of Object.entries(heads))
    if (!isHead(head))
      throw invalid(path, `the head of ${JSON.stringify(key.slice(0, 200))} is not { seq, hash, verifiedAt }`);
  return heads as AuditHeads;
}

/** Writes `heads` to `path` whole (a temporary file renamed over it, so a cut leaves the old one). */
export function writeAuditHeads(path: string, heads: AuditHeads): void {
  const temporary = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    writeFileSync(temporary, `${JSON.stringify({ version: 1, heads }, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, path);
  } catch (e) {
    rmSync(temporary, { force: true });
    throw new CliError(
      'OUTPUT_NOT_WRITABLE',
      `${path}: the verified head could not be remembered (${(e as NodeJS.ErrnoException).code ?? String(e)}).`,
      { cause: e },
    );
  }
}
