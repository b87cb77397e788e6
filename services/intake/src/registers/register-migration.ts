/**
 * The registers' tables (issue 16), migration `003-registers`: each office's series
 * configuration, the counters of its series, the entries of its registers (outgoing, sổ
 * đăng ký văn bản đi; incoming, số đến) and the append-only audit of what happened to them.
 * Kept apart from `migrations.ts` so that other migrations append beside it.
 */
export const registerTablesSql = `
  CREATE TABLE register_config (
    office text PRIMARY KEY,
    config jsonb NOT NULL,
    revision integer NOT NULL DEFAULT 1,
    updated_by text NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE register_series (
    office text NOT NULL,
    register text NOT NULL CHECK (register IN ('outgoing', 'incoming')),
    series text NOT NULL,
    period text NOT NULL,
    last_number integer NOT NULL CHECK (last_number >= 1),
    PRIMARY KEY (office, register, series, period)
  );
  CREATE TABLE register_entry (
    office text NOT NULL,
    register text NOT NULL CHECK (register IN ('outgoing', 'incoming')),
    series text NOT NULL,
    period text NOT NULL,
    number integer NOT NULL CHECK (number >= 1),
    document_id uuid NOT NULL,
    symbol text NOT NULL,
    document_type text NOT NULL,
    subject text NOT NULL,
    entry_date timestamptz NOT NULL,
    state text NOT NULL CHECK (state IN ('reserved', 'issued', 'cancelled')),
    reserved_by text NOT NULL,
    reserved_at timestamptz NOT NULL DEFAULT now(),
    issued_by text,
    issued_at timestamptz,
    signer text,
    recipients text,
    note text,
    cancellation_reason text,
    cancelled_by text,
    cancelled_at timestamptz,
    PRIMARY KEY (office, register, series, period, number),
    FOREIGN KEY (office, register, series, period) REFERENCES register_series (office, register, series, period),
    CHECK ((state = 'cancelled') = (cancellation_reason IS NOT NULL AND cancelled_by IS NOT NULL AND cancelled_at IS NOT NULL))
  );
  CREATE UNIQUE INDEX register_entry_document ON register_entry (office, register, document_id);
  CREATE UNIQUE INDEX register_entry_outgoing_document ON register_entry (document_id) WHERE register = 'outgoing';
  CREATE INDEX register_entry_reserved ON register_entry (office, reserved_at) WHERE state = 'reserved';
  CREATE TABLE register_audit (
    id bigserial PRIMARY KEY,
    office text NOT NULL,
    register text NOT NULL,
    action text NOT NULL CHECK (action IN ('reserved', 'issued', 'cancelled', 'configured')),
    series text,
    period text,
    number integer,
    document_id uuid,
    actor text NOT NULL,
    reason text,
    detail jsonb,
    at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX register_audit_office ON register_audit (office, id);
  -- A number, once given, is never removed or moved, and the audit is never rewritten: the
  -- database refuses it, whatever the code above it does.
  CREATE FUNCTION register_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    IF TG_OP = 'DELETE' OR TG_TABLE_NAME = 'register_audit' THEN
      RAISE EXCEPTION '% of % is not allowed: registers are append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    IF (NEW.office, NEW.register, NEW.series, NEW.period, NEW.number, NEW.document_id, NEW.symbol)
       IS DISTINCT FROM (OLD.office, OLD.register, OLD.series, OLD.period, OLD.number, OLD.document_id, OLD.symbol)
       OR OLD.state = 'cancelled' OR (OLD.state = 'issued' AND NEW.state = 'reserved') THEN
      RAISE EXCEPTION 'a register entry keeps its number, document and symbol, and a cancelled entry stays cancelled'
        USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER register_entry_kept BEFORE UPDATE OR DELETE ON register_entry
    FOR EACH ROW EXECUTE FUNCTION register_refuse_change();
  CREATE TRIGGER register_audit_kept BEFORE UPDATE OR DELETE ON register_audit
    FOR EACH ROW EXECUTE FUNCTION register_refuse_change();
`;
