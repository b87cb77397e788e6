export * from './types.ts';
export { createS3Store, type S3StoreOptions } from './s3-store.ts';
export { createFolderStore, type FolderStoreOptions } from './folder-store.ts';
export { createObjectStore, type StorageConfig } from './config.ts';
export { StorageError, isStorageError, storageErrors, type StorageErrorCode } from './errors.ts';
export { silentLogger, type StorageLogger } from './logger.ts';
export { assertValidKey, assertValidBucket, maxKeyBytes } from './names.ts';
export { verifiedStream, type VerifiedStream } from './verified-stream.ts';
