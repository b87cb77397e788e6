/**
 * A second intake process for the crash tests, killed with SIGKILL by the test:
 *
 *   node register-child.ts <databaseUrl> <schema> hold <request.json>
 *     reserves one number in a transaction it never ends, prints `reserved <symbol>`, waits;
 *   node register-child.ts <databaseUrl> <schema> issue <requests.json>
 *     runs the issue flow for each request in turn, printing `issued <documentId>` after each.
 */
import { readFileSync } from 'node:fs';
import { createPool } from '@lienthong/db';
import { reserveNumber } from '../src/registers/numbering.ts';
import type { NumberRequest } from '../src/registers/numbering.ts';
import { issueFlow } from './register-support.ts';

const [url, schema, mode, file] = process.argv.slice(2) as [string, string, string, string];
const revive = (r: NumberRequest): NumberRequest => ({ ...r, date: new Date(r.date) });
const pool = createPool({ url, schema, maxConnections: 2 });

if (mode === 'hold') {
  const req = revive(JSON.parse(readFileSync(file, 'utf8')) as NumberRequest);
  const client = await pool.connect();
  await client.query('BEGIN');
  const reserved = await reserveNumber(client, req);
  process.stdout.write(`reserved ${reserved.symbol}\n`);
  await new Promise(() => {});
} else {
  for (const req of (JSON.parse(readFileSync(file, 'utf8')) as NumberRequest[]).map(revive)) {
    await issueFlow(pool, req);
    process.stdout.write(`issued ${req.documentId}\n`);
  }
  await pool.end();
}
