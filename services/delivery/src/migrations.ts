/**
 * The delivery schema's own migrations, in order (the kit's outbox tables come first by
 * themselves): one delivery per issued document, one leg per recipient office (its inbox
 * entry once consigned), the append-only history of each leg's events, the signed
 * evidence of each act (README "Evidence"), where a recalled leg stood before the recall, and
 * the cancellation of an issued document as a recall's kind.
 */
import type { Migration } from '@lienthong/db';

export const deliveryMigrations: Migration[] = [
  {
    id: '0001_deliveries',
    sql: `
      CREATE TABLE delivery (
        id uuid PRIMARY KEY,
        document_id text NOT NULL UNIQUE,
        sender text NOT NULL,
        symbol text NOT NULL,
        document_type text NOT NULL,
        subject text NOT NULL,
        urgency text NOT NULL,
        priority smallint NOT NULL,
        secrecy text NOT NULL,
        deadline timestamptz,
        issued_at timestamptz NOT NULL,
        file_sha256 text NOT NULL CHECK (file_sha256 ~ '^[0-9a-f]{64}$'),
        file_byte_length bigint NOT NULL CHECK (file_byte_length > 0),
        file_media_type text NOT NULL,
        file_bucket text NOT NULL,
        file_key text NOT NULL,
        file_version_id text,
        issued_event_id uuid NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX delivery_sender ON delivery (sender, created_at DESC);

      -- Consignment order: what an inbox stream resumes from (Last-Event-ID).
      CREATE SEQUENCE inbox_seq;
      CREATE TABLE delivery_leg (
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL REFERENCES delivery (id),
        recipient text NOT NULL,
        priority smallint NOT NULL,
        -- NULL: sent, not in the inbox yet; then the exchange status code (docs/DOMAIN.md).
        status text CHECK (status IN ('01', '02', '03', '04', '05', '06', '13', '15', '16')),
        status_at timestamptz NOT NULL,
        sent_at timestamptz NOT NULL,
        consigned_at timestamptz,
        inbox_seq bigint UNIQUE,
        handed_over_at timestamptz,
        answered_at timestamptz,
        incoming_number integer,
        incoming_period text,
        refusal_reason text,
        UNIQUE (delivery_id, recipient)
      );
      CREATE INDEX delivery_leg_inbox ON delivery_leg (recipient, priority DESC, inbox_seq DESC)
        WHERE inbox_seq IS NOT NULL;

      CREATE TABLE leg_event (
        id bigserial PRIMARY KEY,
        leg_id uuid NOT NULL REFERENCES delivery_leg (id),
        -- ETSI EN 319 522 terms: submitted, consigned, handed-over, accepted, refused; then assigned, in-progress, completed.
        event text NOT NULL,
        code text,
        at timestamptz NOT NULL,
        by text NOT NULL,
        reason text,
        detail jsonb,
        -- The outbox event that told others (delivery.sent, delivery.status-changed), when one did.
        event_id uuid
      );
      CREATE INDEX leg_event_leg ON leg_event (leg_id, id);
      CREATE FUNCTION leg_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'leg_event is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
      END;
      $$;
      CREATE TRIGGER leg_event_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON leg_event
        FOR EACH STATEMENT EXECUTE FUNCTION leg_event_append_only();
    `,
  },
  {
    // Recall (thu hồi) and replacement: what the sender said, on the delivery; the
    // recipient's refusal of a recall (16) on its leg; and what came before its delivery.
    id: '0002_recall',
    sql: `
      ALTER TABLE delivery ADD COLUMN recall_kind text CHECK (recall_kind IN ('recalled', 'replaced')),
        ADD COLUMN recall_reason text, ADD COLUMN recalled_at timestamptz, ADD COLUMN replaced_by text;
      ALTER TABLE delivery_leg ADD COLUMN recall_refusal_reason text;
      -- A document.recalled or document.replaced whose document.issued has not been fanned out yet.
      CREATE TABLE recall_parked (document_id text PRIMARY KEY, office text NOT NULL, data jsonb NOT NULL,
        event_type text NOT NULL, event_id uuid NOT NULL, parked_at timestamptz NOT NULL DEFAULT now());
    `,
  },
  {
    id: '0003_webhooks',
    sql: `
      -- One webhook per office; its secrets sealed (AES-256-GCM, README "Webhooks").
      CREATE TABLE webhook (
        office text PRIMARY KEY,
        url text NOT NULL,
        events text[] NOT NULL,
        secret bytea NOT NULL,
        previous_secret bytea,
        previous_until timestamptz,
        enabled boolean NOT NULL DEFAULT true,
        disabled_reason text,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      );
      -- What is to be, or was, sent: written in the transaction of the change it tells.
      CREATE TABLE webhook_delivery (
        id uuid PRIMARY KEY,
        office text NOT NULL,
        type text NOT NULL,
        occurred_at timestamptz NOT NULL,
        data jsonb NOT NULL,
        state text NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_status integer,
        last_error text,
        created_at timestamptz NOT NULL,
        -- Retries give up 24 h (by default) after this: the creation, or a manual redelivery.
        retry_since timestamptz NOT NULL,
        done_at timestamptz
      );
      CREATE INDEX webhook_delivery_due ON webhook_delivery (next_attempt_at) WHERE state = 'pending';
      CREATE INDEX webhook_delivery_office ON webhook_delivery (office, state, created_at DESC);
    `,
  },
  {
    // Overdue answers (README "Overdue"): when the sweep noted a leg's deadline passed with no answer.
    id: '0004_overdue',
    sql: `
      ALTER TABLE delivery_leg ADD COLUMN overdue_since timestamptz;
      CREATE INDEX delivery_deadline ON delivery (deadline) WHERE deadline IS NOT NULL;
      -- What the sweep looks through (legs still waiting), and what the gauge and the sender's filter count.
      CREATE INDEX delivery_leg_awaiting ON delivery_leg (delivery_id) WHERE overdue_since IS NULL AND status = '01';
      CREATE INDEX delivery_leg_overdue ON delivery_leg (delivery_id) WHERE overdue_since IS NOT NULL;
    `,
  },
  {
    // Signed evidence (README "Evidence"): one row per act, written in the act's transaction;
    // sealed (the acting office's seal through signing) and time-stamped in batches later.
    id: '0005_evidence',
    sql: `
      CREATE TABLE evidence_batch (
        id uuid PRIMARY KEY,
        root bytea NOT NULL CHECK (length(root) = 32),
        size integer NOT NULL CHECK (size > 0),
        created_at timestamptz NOT NULL,
        -- When the oldest of its rows was sealed (the alert's age).
        sealed_from timestamptz NOT NULL,
        -- An acting office of its rows: whose evidence token asks the TSA.
        office text NOT NULL,
        token bytea,
        stamped_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL,
        last_error text
      );
      CREATE INDEX evidence_batch_due ON evidence_batch (next_attempt_at) WHERE token IS NULL;
      CREATE TABLE evidence (
        -- The statement's id. No foreign keys or index beyond what is read: rows are written by
        -- the acts' own statements from the delivery's rows, thousands per consignment batch.
        id uuid PRIMARY KEY,
        delivery_id uuid NOT NULL,
        -- NULL: the delivery's SubmissionAcceptance, first of every leg's chain.
        recipient_office text,
        -- Order within its chain (the leg_event id; 0 for the submission).
        seq bigint NOT NULL,
        event text NOT NULL,
        acting_office text NOT NULL,
        time timestamptz NOT NULL,
        fields jsonb NOT NULL,
        leg_event_id bigint,
        statement bytea,
        cms bytea,
        sealed_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz,
        last_error text,
        batch_id uuid REFERENCES evidence_batch (id),
        proof jsonb,
        created_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE UNIQUE INDEX evidence_chain ON evidence (delivery_id, recipient_office, seq);
      CREATE UNIQUE INDEX evidence_submission ON evidence (delivery_id) WHERE recipient_office IS NULL;
      CREATE INDEX evidence_unsealed ON evidence (time) WHERE sealed_at IS NULL;
      CREATE INDEX evidence_unbatched ON evidence (sealed_at) WHERE sealed_at IS NOT NULL AND batch_id IS NULL;
    `,
  },
  {
    // After a recall refused (16) the recipient goes on from where it stood when the recall
    // was asked (README "Recall and replace"). NULL: not in the inbox then (01 once consigned).
    id: '0006_status_before_recall',
    sql: `
      ALTER TABLE delivery_leg ADD COLUMN status_before_recall text
        CHECK (status_before_recall IN ('01', '03', '04', '05', '06'));
      -- Legs recalled before this migration: the last status their history gave before the 13.
      UPDATE delivery_leg l SET status_before_recall = (
        SELECT b.code FROM leg_event r JOIN leg_event b ON b.leg_id = r.leg_id AND b.id < r.id
        WHERE r.leg_id = l.id AND r.code = '13' AND b.code IN ('01', '03', '04', '05', '06')
        ORDER BY r.id, b.id DESC LIMIT 1)
      WHERE l.status IN ('13', '15', '16');
    `,
  },
  {
    // An issued document cancelled at intake (document.cancelled with its symbol) is asked
    // back as a recall; the delivery says it was a cancellation (README "Recall and replace").
    id: '0007_recall_cancelled',
    sql: `
      ALTER TABLE delivery DROP CONSTRAINT delivery_recall_kind_check,
        ADD CONSTRAINT delivery_recall_kind_check CHECK (recall_kind IN ('recalled', 'replaced', 'cancelled'));
    `,
  },
  {
    // Each stamped batch is written to the store per delivery and told once
    // (delivery.evidence-stamped; README "Evidence"). published_at is the once-marker, set in
    // the transaction that enqueues the events; the other columns are the writer's lease and
    // backoff. Batches stamped before this migration are published too: the archive wants them.
    id: '0008_evidence_published',
    sql: `
      ALTER TABLE evidence_batch ADD COLUMN published_at timestamptz,
        ADD COLUMN publish_attempts integer NOT NULL DEFAULT 0,
        ADD COLUMN publish_next_at timestamptz,
        ADD COLUMN publish_error text;
      CREATE INDEX evidence_batch_unpublished ON evidence_batch (stamped_at)
        WHERE token IS NOT NULL AND published_at IS NULL;
      -- A batch's rows by delivery, in chain order; rows in no batch yet (every act's insert) are not in it.
      CREATE INDEX evidence_by_batch ON evidence (batch_id, delivery_id, (coalesce(recipient_office, '')), seq)
        WHERE batch_id IS NOT NULL;
    `,
  },
  {
    // The gauges read at each scrape (README "Metrics"): legs by status from the index alone,
    // and what each recipient has not been handed yet (sent or arrived, never fetched).
    id: '0009_leg_metrics',
    sql: `
      CREATE INDEX delivery_leg_status ON delivery_leg (status);
      CREATE INDEX delivery_leg_waiting ON delivery_leg (recipient, sent_at)
        WHERE handed_over_at IS NULL AND (status IS NULL OR status = '01');
    `,
  },
];
