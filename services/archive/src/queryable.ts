/** What every repository of the service takes to run its SQL. */
import type { Pool, PoolClient } from '@lienthong/db';

/** Anything that runs a query: the pool, or a client inside a transaction. */
export type Queryable = Pick<Pool, 'query'> | PoolClient;
