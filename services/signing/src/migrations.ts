/**
 * The signing schema's own migrations, in order (the kit's outbox tables come first by
 * themselves). CA state: certificates, their private keys (encrypted with the KEK), the
 * CRLs issued and a CRL number per issuer (RFC 5280 §5.2.3), and the TSA serial sequence
 * (RFC 3161 §2.4.2: serial numbers unique per TSA); signing keys, two-step sessions, the
 * signing log, and each key's appearance image.
 */
import type { Migration } from '@lienthong/db';

export const signingMigrations: Migration[] = [
  {
    id: '0001_ca_state',
    sql: `
CREATE TABLE certificate (
  id uuid PRIMARY KEY,
  role text NOT NULL CHECK (role IN ('root', 'issuing-ca', 'tsa', 'ocsp', 'seal', 'person')),
  subject text NOT NULL,
  serial text NOT NULL,
  not_before timestamptz NOT NULL,
  not_after timestamptz NOT NULL,
  der bytea NOT NULL,
  issuer_id uuid REFERENCES certificate (id),
  revoked_at timestamptz,
  revocation_reason smallint,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (issuer_id, serial)
);
-- One local hierarchy: at most one root and one issuing CA (a second starting instance loses the race).
CREATE UNIQUE INDEX certificate_one_root ON certificate (role) WHERE role IN ('root', 'issuing-ca');

CREATE TABLE private_key (
  certificate_id uuid PRIMARY KEY REFERENCES certificate (id),
  encrypted_pkcs8 bytea NOT NULL
);

CREATE TABLE crl (
  issuer_id uuid NOT NULL REFERENCES certificate (id),
  crl_number bigint NOT NULL,
  this_update timestamptz NOT NULL,
  next_update timestamptz NOT NULL,
  revoked_count integer NOT NULL,
  der bytea NOT NULL,
  PRIMARY KEY (issuer_id, crl_number)
);

CREATE TABLE crl_counter (
  issuer_id uuid PRIMARY KEY REFERENCES certificate (id),
  last_number bigint NOT NULL DEFAULT 0
);

CREATE SEQUENCE tsa_serial;
`,
  },
  {
    id: '0002_signing_keys',
    sql: `
-- Keys that sign for people and offices: a signer's personal key (used only by its owner, with
-- its PIN) or an office seal key (used by the office's registry). The private key is PKCS#8,
-- encrypted with the KEK and, for personal keys, with the PIN; or it stays in a PKCS#11 token.
CREATE TABLE signing_key (
  id uuid PRIMARY KEY,
  office text NOT NULL,
  owner text NOT NULL,
  purpose text NOT NULL CHECK (purpose IN ('personal', 'seal')),
  storage text NOT NULL CHECK (storage IN ('server', 'pkcs11')),
  algorithm text NOT NULL,
  certificate_der bytea NOT NULL,
  chain_der bytea[] NOT NULL DEFAULT '{}',
  ca_certificate_id uuid REFERENCES certificate (id),
  encrypted_pkcs8 bytea,
  token_key_label text,
  failed_pin_attempts integer NOT NULL DEFAULT 0,
  locked_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  CHECK ((storage = 'server') = (encrypted_pkcs8 IS NOT NULL))
);
CREATE INDEX signing_key_office_owner ON signing_key (office, owner);

-- Two-step signing (USB tokens): what was prepared, until it is completed once or expires.
CREATE TABLE two_step_session (
  id uuid PRIMARY KEY,
  office text NOT NULL,
  owner text NOT NULL,
  algorithm text NOT NULL,
  certificate_der bytea NOT NULL,
  chain_der bytea[] NOT NULL,
  content_digest bytea NOT NULL,
  signed_attributes bytea NOT NULL,
  expires_at timestamptz NOT NULL,
  completed_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

-- Who used which key for what, refused attempts included (never a PIN or key material).
CREATE TABLE signing_log (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT now(),
  office text NOT NULL,
  subject text NOT NULL,
  action text NOT NULL,
  key_id uuid,
  digest text,
  detail text
);
CREATE INDEX signing_log_key ON signing_log (key_id, at);
`,
  },
  {
    id: '0003_two_step_pdf',
    sql: `
-- Two-step signing of PDFs: the prepared PDF waits in the object store (object_key) with the
-- libs/pki PdfSignatureState and level; content_digest is then the ByteRange digest.
ALTER TABLE two_step_session
  ADD COLUMN kind text NOT NULL DEFAULT 'cms' CHECK (kind IN ('cms', 'pdf')),
  ADD COLUMN pdf_state jsonb,
  ADD COLUMN object_key text;
`,
  },
  {
    id: '0004_key_image',
    sql: `
-- The image a key's visible signatures show: the office's round seal (con dấu) for a seal key,
-- the signer's handwritten signature for a personal key. Both columns or neither.
ALTER TABLE signing_key
  ADD COLUMN image bytea,
  ADD COLUMN image_type text CHECK (image_type IN ('image/png', 'image/jpeg')),
  ADD CONSTRAINT signing_key_image_with_type CHECK ((image IS NULL) = (image_type IS NULL));
`,
  },
];
