import { createFolderStore } from './folder-store.ts';
import type { StorageLogger } from './logger.ts';
import { createS3Store } from './s3-store.ts';
import type { ObjectStore } from './types.ts';

/**
 * Where objects live: an S3 service with Object Lock (MinIO in real mode) or a folder on
 * disk (embedded mode). Read from the environment by the service's config loader, not here.
 */
export type StorageConfig =
  | { kind: 's3'; endpoint: string; accessKey: string; secretKey: string; region?: string }
  | { kind: 'folder'; dir: string };

/** Builds the store a config names. */
export function createObjectStore(config: StorageConfig, logger?: StorageLogger): ObjectStore {
  switch (config.kind) {
    case 's3':
      return createS3Store({ ...config, ...(logger ? { logger } : {}) });
    case 'folder':
      return createFolderStore({ dir: config.dir });
  }
}
