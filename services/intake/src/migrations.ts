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
  {
    id: '002-documents',
    // Submitted documents (issue 16): the row, its append-only life record, and the
    // Idempotency-Key answers of submissions. The content is an object keyed by the id.
    sql: `
      CREATE TABLE document (
        id uuid PRIMARY KEY,
        office text NOT NULL REFERENCES office (code),
        type text NOT NULL,
        subject text NOT NULL,
        metadata jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('draft', 'awaiting-signature', 'signed', 'issued', 'refused',
          'cancelled', 'recalled', 'replaced')),
        content_key text NOT NULL UNIQUE,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size > 0),
        signer_subject text,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX document_office_state ON document (office, state, created_at DESC);
      CREATE INDEX document_office_created ON document (office, created_at DESC);
      CREATE TABLE document_transition (
        seq bigserial PRIMARY KEY,
        document uuid NOT NULL REFERENCES document (id),
        from_state text,
        to_state text NOT NULL,
        action text NOT NULL,
        by_subject text NOT NULL,
        at timestamptz NOT NULL DEFAULT now(),
        reason text
      );
      CREATE INDEX document_transition_document ON document_transition (document, seq);
      -- The life record is append-only: whoever holds the table's rights still cannot rewrite it.
      CREATE FUNCTION document_transition_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'document_transition is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER document_transition_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON document_transition
        FOR EACH STATEMENT EXECUTE FUNCTION document_transition_append_only();
      CREATE TABLE idempotency_key (
        office text NOT NULL,
        caller text NOT NULL,
        key text NOT NULL,
        fingerprint text NOT NULL CHECK (fingerprint ~ '^[0-9a-f]{64}$'),
        document uuid REFERENCES document (id),
        status integer,
        answer jsonb,
        created_at timestamptz NOT NULL DEFAULT now(),
        expires_at timestamptz NOT NULL DEFAULT now() + interval '24 hours',
        PRIMARY KEY (office, caller, key)
      );
      CREATE INDEX idempotency_key_expiry ON idempotency_key (expires_at);
    `,
  },
  // Registers and numbering (issue 16): series configuration, counters, entries, audit.
  { id: '003-registers', sql: registerTablesSql },
  {
    id: '004-document-files',
    // The later versions of a document's PDF (issue 16): the signer's signature (`signed`) and
    // the registry's number, date and seal (`issued`), each an incremental update of the one
    // before. A row is written in the transaction that moves the state, so only a committed
    // version is ever served; `version_id` names the object version that was checked.
    sql: `
      CREATE TABLE document_file (
        document uuid NOT NULL REFERENCES document (id),
        version text NOT NULL CHECK (version IN ('signed', 'issued')),
        content_key text NOT NULL UNIQUE,
        version_id text,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size > 0),
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (document, version)
      );
    `,
  },
  {
    id: '005-office-certificate-names',
    // What the certificates of an office name besides its committee's legal name (issue 16,
    // published in directory.changed for the signing service): the unit (a seal's CN, a
    // person's OU; null: the office's own name) and the locality (a seal's L).
    sql: `
      ALTER TABLE office ADD COLUMN unit text, ADD COLUMN locality text;
    `,
  },
  {
    id: '006-signature-sessions',
    // The two-step signatures prepared for a document (issue 20): signing holds the session
    // and its prepared PDF; intake remembers for which document and signer it was prepared,
    // so a completion names a session of this document or is refused before signing is asked
    // (and a session of another document is not used up).
    sql: `
      CREATE TABLE signature_session (
        session uuid PRIMARY KEY,
        document uuid NOT NULL REFERENCES document (id),
        signer text NOT NULL,
        expires_at timestamptz NOT NULL
      );
      CREATE INDEX signature_session_expiry ON signature_session (expires_at);
    `,
  },
];
