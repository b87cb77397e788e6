import { outboxOrderLockKeySql } from './outbox.ts';
import type { Migration } from './types.ts';

/** Channel of the outbox wake-up NOTIFY; the payload is the schema name. */
export const outboxChannel = 'lienthong_outbox';

/**
 * The kit's own tables, created in every service schema before the service's migrations
 * (ids prefixed `lienthong_`, reserved). They run with `search_path` set to the schema.
 */
export const kitMigrations: readonly Migration[] = [
  {
    id: 'lienthong_0001_outbox',
    sql: `
      CREATE TABLE outbox (
        id bigserial PRIMARY KEY,
        topic text NOT NULL,
        key text NOT NULL,
        event_id uuid NOT NULL UNIQUE,
        envelope jsonb NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz
      );
      CREATE INDEX outbox_unpublished ON outbox (id) WHERE published_at IS NULL;
      CREATE INDEX outbox_published_at ON outbox (published_at) WHERE published_at IS NOT NULL;
      CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${outboxChannel}', TG_TABLE_SCHEMA);
        RETURN NULL;
      END
      $$;
      CREATE TRIGGER outbox_notify AFTER INSERT ON outbox
        FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();
    `,
  },
  {
    id: 'lienthong_0002_processed_events',
    sql: `
      CREATE TABLE processed_events (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, event_id)
      );
    `,
  },
  {
    // Marking each relayed row rewrote it with its three index entries, as costly as the
    // insert; one watermark row says the same, since ids are relayed in commit order. The
    // envelope is stored as written (json): jsonb parsed it on insert and rebuilt the text
    // on every read, for no query that needs it.
    id: 'lienthong_0003_outbox_relayed',
    sql: `
      SELECT pg_advisory_xact_lock(${outboxOrderLockKeySql('current_schema()')});
      CREATE TABLE outbox_relayed (
        singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
        up_to bigint NOT NULL,
        relayed_at timestamptz NOT NULL DEFAULT now()
      );
      INSERT INTO outbox_relayed (up_to)
        SELECT coalesce((SELECT min(id) - 1 FROM outbox WHERE published_at IS NULL), (SELECT max(id) FROM outbox), 0);
      DROP INDEX outbox_unpublished;
      DROP INDEX outbox_published_at;
      ALTER TABLE outbox DROP COLUMN published_at;
      ALTER TABLE outbox ALTER COLUMN envelope TYPE json USING envelope::json;
      CREATE INDEX outbox_created_at ON outbox USING brin (created_at);
    `,
  },
];
