import type { LibLogger } from '@lienthong/kit';

/** The logger slice this package writes to (`@lienthong/kit`'s `LibLogger`). */
export type BusLogger = LibLogger;

export { silentLogger } from '@lienthong/kit';
