/**
 * The archive schema's own migrations, in order (the kit's outbox tables come first by
 * themselves): the catalog of records (README "Catalog"); the audit log (README "Audit log"); the search
 * tokens and covering index (README "Catalog"); the packages in the archive bucket and their objects
 * (README "Packages"; in id order as libs/db `migrate` wants: a database that already ran 0003 and
 * 0004 runs 0002 after them, it touches no table of theirs).
 */
import type { Migration } from '@lienthong/db';

export const archiveMigrations: Migration[] = [
  {
    id: '0001_catalog',
    sql: `
      CREATE TABLE record (
        id uuid PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('issued', 'received')),
        issuing_office text NOT NULL,
        receiving_offices text[] NOT NULL,
        number integer NOT NULL CHECK (number > 0),
        symbol text NOT NULL,
        document_type text NOT NULL,
        issued_date date NOT NULL,
        signer_name text NOT NULL,
        signer_subject text NOT NULL,
        signer_folded text NOT NULL,
        status text NOT NULL,
        file_code text,
        subject text NOT NULL,
        subject_folded text NOT NULL,
        -- Who may see the record: the issuing office and every receiving office, in one array
        -- so that the scope is one GIN lookup ("offices @> ARRAY[office]").
        offices text[] GENERATED ALWAYS AS (array_prepend(issuing_office, receiving_offices)) STORED,
        -- What the text search reads, written with the row (catalog-repository.ts, searchVector): each folded
        -- syllable of the subject one token of the built-in 'simple' configuration (no extension, the same on
        -- PostgreSQL and PGlite), and '@<office>' for each office that may see the record, so that one GIN
        -- lookup intersects the words and the caller's scope inside the index.
        search_tsv tsvector NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      -- Thousands of offices (3,321 communes): with the default target only the busiest are among the most
      -- common elements, the planner misjudges a commune's share and walks the date index through other
      -- offices' rows (64 ms instead of 6 ms over 300,000 rows).
      ALTER TABLE record ALTER COLUMN offices SET STATISTICS 1000;
      ALTER TABLE record ALTER COLUMN search_tsv SET STATISTICS 1000;
      CREATE INDEX record_offices ON record USING gin (offices);
      CREATE INDEX record_search_tsv ON record USING gin (search_tsv);
      CREATE INDEX record_issuing_newest ON record (issuing_office, issued_date DESC, id DESC);
      CREATE INDEX record_newest ON record (issued_date DESC, id DESC);
      CREATE INDEX record_symbol ON record (symbol);
      CREATE INDEX record_number ON record (number);
      CREATE INDEX record_file ON record (file_code) WHERE file_code IS NOT NULL;
      CREATE INDEX record_signer ON record (signer_folded);
    `,
  },
  {
    id: '0002_packages',
    sql: `
      -- One package per record in the archive bucket (README "Packages"): where its manifest is,
      -- how long the store keeps it, and what signing said of the PDF at ingest.
      CREATE TABLE package (
        record_id uuid PRIMARY KEY,
        bucket text NOT NULL,
        manifest_key text NOT NULL,
        manifest_version_id text NOT NULL,
        manifest_sha256 text NOT NULL CHECK (manifest_sha256 ~ '^[0-9a-f]{64}$'),
        retention_class text NOT NULL,
        -- NULL for a permanent record: kept under legal hold, its objects' retention is the long horizon below.
        retain_until timestamptz,
        -- The COMPLIANCE retain-until the store was given for every object of the package.
        locked_until timestamptz NOT NULL,
        legal_hold boolean NOT NULL,
        validation_indication text NOT NULL,
        validation_sub_indication text,
        source_event_id text NOT NULL,
        ingested_at timestamptz NOT NULL
      );
      -- Every object of a package, the manifest included; later steps (evidence, re-time-stamps) add rows.
      CREATE TABLE archived_object (
        record_id uuid NOT NULL REFERENCES package (record_id),
        name text NOT NULL,
        bucket text NOT NULL,
        key text NOT NULL,
        version_id text NOT NULL,
        sha256 text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
        size bigint NOT NULL CHECK (size >= 0),
        media_type text NOT NULL,
        added_at timestamptz NOT NULL,
        PRIMARY KEY (record_id, name)
      );
    `,
  },
  {
    id: '0003_audit',
    sql: `
      -- The audit log (src/audit/audit-log.ts): one hash chain per office, numbered without gaps.
      CREATE TABLE audit_entry (
        office text NOT NULL,
        seq bigint NOT NULL CHECK (seq > 0),
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        record_id uuid,
        -- The canonical JSON (RFC 8785) that was hashed, as text: jsonb would re-encode it.
        detail text NOT NULL,
        prev_hash text CHECK (prev_hash ~ '^[0-9a-f]{64}$'),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        PRIMARY KEY (office, seq),
        CHECK ((seq = 1) = (prev_hash IS NULL))
      );
      CREATE INDEX audit_entry_record ON audit_entry (record_id) WHERE record_id IS NOT NULL;
      -- Append-only: whoever holds the table's rights still cannot rewrite it by mistake. The owner can drop
      -- the trigger; the chain, verified from outside (lienthong audit verify), is what shows a rewrite.
      CREATE FUNCTION audit_entry_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_entry is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER audit_entry_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_entry
        FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_append_only();
    `,
  },
  {
    id: '0004_search',
    sql: `
      -- The type and the status become tokens of search_tsv (catalog-repository.ts, searchTokens: 'type:QĐ',
      -- 'status:recalled'), so that they narrow the same GIN lookup as the words and the scope.
      UPDATE record SET search_tsv = search_tsv || array_to_tsvector(ARRAY['type:' || document_type, 'status:' || status]);
      -- The newest records with what a search reads of them (search_tsv: words, scope, type, status), so that a
      -- broad search walks them in date order without reading the table (catalog-repository.ts, searchRecords);
      -- it also serves "newest first", so it replaces record_newest.
      CREATE INDEX record_newest_words ON record (issued_date DESC, id DESC) INCLUDE (search_tsv);
      DROP INDEX record_newest;
      -- The walk reads the index alone only where the visibility map says a page is all-visible: vacuum after
      -- every 1% of new rows rather than the default 20% (an archive grows slowly and searches its newest).
      ALTER TABLE record SET (autovacuum_vacuum_insert_scale_factor = 0.01);
    `,
  },
  {
    id: '0005_evidence_renewal',
    sql: `
      -- Events about a record that came before its package (README "Status updates"): kept until the record is
      -- archived, then applied by the retry loop (src/parked/), never lost. One row per consumer and event.
      CREATE TABLE parked_event (
        consumer text NOT NULL,
        event_id uuid NOT NULL,
        record_id uuid NOT NULL,
        envelope jsonb NOT NULL,
        parked_at timestamptz NOT NULL,
        PRIMARY KEY (consumer, event_id)
      );
      CREATE INDEX parked_event_record ON parked_event (record_id);
      -- Until when the package's newest archive time-stamp protects it (README "Long-term validity"): the earliest
      -- of its TSA certificate's notAfter and its algorithms' deprecation; NULL until the first one is made.
      ALTER TABLE package ADD COLUMN protected_until timestamptz;
      CREATE INDEX package_protected_until ON package (protected_until NULLS FIRST);
    `,
  },
];
