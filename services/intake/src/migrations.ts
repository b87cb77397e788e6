/** The intake schema's own migrations, in order (the kit's outbox tables come first by themselves). */
import type { Migration } from '@lienthong/db';
import { registerTablesSql } from './registers/register-migration.ts';

export const intakeMigrations: Migration[] = [
  {
    id: '001-directory',
    // The directory (issue 16): offices in a tree, the people of each office, recipient groups.
    // `revision` counts the changes of an entity and is what `directory.changed` carries.
    sql: `
      CREATE TABLE office (
        code text PRIMARY KEY,
        legal_name text NOT NULL,
        abbreviation text NOT NULL,
        level text NOT NULL CHECK (level IN ('centre', 'province', 'district', 'commune', 'grassroots')),
        parent_code text REFERENCES office (code) DEFERRABLE INITIALLY DEFERRED,
        seal_key text,
        active boolean NOT NULL DEFAULT true,
        revision integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CHECK (parent_code IS NULL OR parent_code <> code)
      );
      CREATE INDEX office_parent ON office (parent_code, code);
      CREATE INDEX office_level ON office (level, code);
      CREATE TABLE person (
        office text NOT NULL REFERENCES office (code),
        subject text NOT NULL,
        full_name text NOT NULL,
        title text NOT NULL,
        roles text[] NOT NULL DEFAULT '{}',
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (office, subject)
      );
      CREATE TABLE recipient_group (
        code text PRIMARY KEY,
        office text NOT NULL REFERENCES office (code),
        name text NOT NULL,
        offices text[] NOT NULL DEFAULT '{}',
        rules jsonb NOT NULL DEFAULT '[]',
        revision integer NOT NULL DEFAULT 1,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  // Registers and numbering (issue 16): series configuration, counters, entries, audit.
  { id: '003-registers', sql: registerTablesSql },
];
