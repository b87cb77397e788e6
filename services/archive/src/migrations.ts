/**
 * The archive schema's own migrations, in order (the kit's outbox tables come first by
 * themselves): the catalog of records (README "Catalog"); the audit log (README "Audit log"); the search
 * tokens and covering index (README "Catalog"); the packages in the archive bucket and their objects
 * (README "Packages"; in id order as libs/db `migrate` wants: a database that already ran 0003 and
 * 0004 runs 0002 after them, it touches no table of theirs); events parked until their record is archived
 * and the package's protection end (README "Status updates", "Long-term validity"); fixity's checks, runs and failures and the
 * package's fixity state (README "Fixity"); dispositions, their records, a package's disposal and hold reason
 * (README "Retention and disposition", "Legal hold"); the audit chains' time-stamped checkpoints (README "Audit log").
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
  {
    id: '0006_fixity_disposition',
    sql: `
      -- Fixity (README "Fixity"): per object and location, the last check and its outcome, and the lease a
      -- process holds while it checks the object (so two archive processes never read it at once).
      CREATE TABLE fixity_check (
        record_id uuid NOT NULL,
        name text NOT NULL,
        location text NOT NULL,
        checked_at timestamptz,
        outcome text CHECK (outcome IN ('ok', 'mismatch', 'missing', 'unreadable')),
        leased_until timestamptz,
        leased_by text,
        PRIMARY KEY (record_id, name, location),
        FOREIGN KEY (record_id, name) REFERENCES archived_object (record_id, name),
        CHECK ((checked_at IS NULL) = (outcome IS NULL))
      );
      -- A run takes the longest-ago checked (never checked first) from this index, a few at a time.
      CREATE INDEX fixity_check_oldest ON fixity_check (location, checked_at NULLS FIRST);
      CREATE INDEX fixity_check_failed ON fixity_check (record_id) WHERE outcome IN ('mismatch', 'missing', 'unreadable');
      -- One run: scheduled (requested_by NULL, every office) or asked by an archivist for their office's records.
      CREATE TABLE fixity_run (
        id uuid PRIMARY KEY,
        location text NOT NULL,
        office text,
        requested_by text,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        checked integer NOT NULL DEFAULT 0,
        failed integer NOT NULL DEFAULT 0,
        bytes_read bigint NOT NULL DEFAULT 0,
        error text
      );
      CREATE INDEX fixity_run_newest ON fixity_run (started_at DESC);
      -- Every failed check, kept: what was expected and what was found.
      CREATE TABLE fixity_event (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        run_id uuid NOT NULL REFERENCES fixity_run (id),
        record_id uuid NOT NULL,
        name text NOT NULL,
        location text NOT NULL,
        outcome text NOT NULL CHECK (outcome IN ('mismatch', 'missing', 'unreadable')),
        expected_sha256 text NOT NULL,
        expected_size bigint NOT NULL,
        found_sha256 text,
        found_size bigint,
        detail text,
        at timestamptz NOT NULL
      );
      CREATE INDEX fixity_event_record ON fixity_event (record_id, at DESC);
      -- The package's state as the last checks of its objects say: NULL until checked, 'failed' while any
      -- object's last check at any location did not find its bytes.
      ALTER TABLE package ADD COLUMN fixity_state text CHECK (fixity_state IN ('ok', 'failed'));
      -- Retention and disposition (README "Retention and disposition"): a disposition proposes records of one
      -- office for deletion; another person approves or rejects it; each record's outcome is kept.
      CREATE TABLE disposition (
        id uuid PRIMARY KEY,
        office text NOT NULL,
        state text NOT NULL CHECK (state IN ('proposed', 'approved', 'rejected', 'done')),
        reason text NOT NULL,
        proposed_by text NOT NULL,
        proposed_at timestamptz NOT NULL,
        decided_by text,
        decided_at timestamptz,
        decision_reason text,
        certificate_key text,
        certificate_version_id text,
        certificate_sha256 text CHECK (certificate_sha256 ~ '^[0-9a-f]{64}$'),
        finished_at timestamptz
      );
      CREATE INDEX disposition_office ON disposition (office, proposed_at DESC);
      CREATE TABLE disposition_record (
        disposition_id uuid NOT NULL REFERENCES disposition (id),
        record_id uuid NOT NULL REFERENCES package (record_id),
        outcome text CHECK (outcome IN ('disposed', 'refused')),
        detail text,
        PRIMARY KEY (disposition_id, record_id)
      );
      CREATE INDEX disposition_record_record ON disposition_record (record_id);
      -- When the package's objects were deleted after an approved disposition (the rows stay as its tombstone).
      ALTER TABLE package ADD COLUMN disposed_at timestamptz;
      -- Why the record is under legal hold beyond its class (an archivist's hold; NULL: none, or permanent).
      ALTER TABLE package ADD COLUMN hold_reason text;
    `,
  },
  {
    id: '0007_audit_checkpoint',
    sql: `
      -- Checkpoints of an office's audit chain (README "Audit log"): its head at a moment, and a TSA's
      -- token over libs/evidence auditCheckpointRoot(office, {seq, hash}); append-only like the chain.
      CREATE TABLE audit_checkpoint (
        office text NOT NULL,
        seq bigint NOT NULL CHECK (seq >= 1),
        hash text NOT NULL CHECK (hash ~ '^[0-9a-f]{64}$'),
        gen_time timestamptz NOT NULL,
        token bytea NOT NULL,
        PRIMARY KEY (office, seq),
        FOREIGN KEY (office, seq) REFERENCES audit_entry (office, seq)
      );
      CREATE FUNCTION audit_checkpoint_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'audit_checkpoint is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER audit_checkpoint_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_checkpoint
        FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoint_append_only();
    `,
  },
];
