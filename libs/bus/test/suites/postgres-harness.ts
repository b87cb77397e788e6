import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { createPostgresBus } from '../../src/postgres-bus.ts';
import { openBusBacklog } from '../../src/bus-backlog.ts';
import { createPostgresDeadLetters } from '../../src/postgres-dead-letters.ts';
import type { EventBus } from '../../src/types.ts';
import { randomName, waitFor, type BusHarness, type RawMessage } from '../helpers.ts';

/** The Postgres log on the Postgres at `url()`: one fresh schema per test, dropped after. */
export function postgresHarness(name: string, url: () => string): BusHarness {
  return {
    name,
    async open(t) {
      const schema = `t_bus_${randomBytes(5).toString('hex')}`;
      const pools: pg.Pool[] = [];
      const buses: EventBus[] = [];
      const makeBus = (): EventBus => {
        const pool = new pg.Pool({ connectionString: url(), max: 5 });
        pools.push(pool);
        const bus = createPostgresBus({ pool, schema, pollIntervalMs: 50 });
        buses.push(bus);
        return bus;
      };
      const bus = makeBus();
      const admin = pools[0]!;
      t.teardown(async () => {
        await Promise.all(buses.map((b) => b.close()));
        await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await Promise.all(pools.map((p) => p.end()));
      });
      return {
        bus,
        anotherBus: async () => makeBus(),
        newTopic: async () => randomName('lienthong.test'),
        openDeadLetters: () => createPostgresDeadLetters({ pool: admin, schema }),
        openBacklog: () => openBusBacklog({ transport: 'postgres', pool: admin, schema }),
        async publishRaw(topic, key, value) {
          await bus.ensureTopics([topic]);
          await admin.query(`INSERT INTO "${schema}".log (topic, key, value) VALUES ($1, $2, $3)`, [topic, key, value]);
        },
        async committed(group, topic) {
          const { rows } = await admin.query<{ position: string }>(
            `SELECT position::text AS position FROM "${schema}".positions WHERE group_id = $1 AND topic = $2`,
            [group, topic],
          );
          const position = rows[0]?.position;
          return position === undefined || position === '0' ? undefined : position;
        },
        async readRaw(topic, count) {
          let rows: RawMessage[] = [];
          await waitFor(
            async () => {
              ({ rows } = await admin.query<RawMessage>(
                `SELECT key, value, headers FROM "${schema}".log WHERE topic = $1 ORDER BY seq`,
                [topic],
              ));
              return rows.length >= count;
            },
            20_000,
            `${count} rows in ${topic}`,
          );
          return rows;
        },
      };
    },
  };
}
