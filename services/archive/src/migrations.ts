/** The archive schema's own migrations, in order (the kit's outbox tables come first by themselves). */
import type { Migration } from '@lienthong/db';

export const archiveMigrations: Migration[] = [];
