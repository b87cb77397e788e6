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
];
