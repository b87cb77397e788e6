import type { LibLogger } from '@lienthong/kit';

/** The logger slice this package writes to (`@lienthong/kit`'s `LibLogger`). */
export type StorageLogger = LibLogger;

export { silentLogger } from '@lienthong/kit';
