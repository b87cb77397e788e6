/**
 * The signing schema's own migrations, in order (the kit's outbox tables come first by
 * themselves). CA state: certificates, their private keys (encrypted with the KEK), the
 * CRLs issued and a CRL number per issuer (RFC 5280 §5.2.3), and the TSA serial sequence
 * (RFC 3161 §2.4.2: serial numbers unique per TSA); signing keys, two-step sessions, the
 * signing log, and each key's appearance image; the registered identities (offices, their
 * people) and the requests for personal keys that a CA administrator decides.
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
  {
    id: '0005_registered_identities',
    sql: `
-- The offices the CA certifies: code = the access token's office claim. Written only at start
-- from LIENTHONG_SIGNING_OFFICES_FILE (later from intake's directory), never through the API.
CREATE TABLE office (
  code text PRIMARY KEY,
  legal_name text NOT NULL,
  unit text NOT NULL,
  locality text,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- The people of an office as its CA administrators recorded them: what their certificates name.
-- No foreign key to office: an office left out of the file keeps its people until it returns.
CREATE TABLE person (
  office text NOT NULL,
  subject text NOT NULL,
  full_name text NOT NULL,
  title text NOT NULL,
  recorded_by text NOT NULL,
  recorded_at timestamptz NOT NULL,
  PRIMARY KEY (office, subject)
);

-- Requests for personal keys (registration authority): the key is generated (or imported) and
-- kept under the requester's PIN here until a CA administrator of the office who is not the
-- requester approves (the key moves to signing_key under the same id) or refuses (the key is
-- destroyed). The identity columns are what the certificate will name, as registered when asked.
CREATE TABLE key_request (
  id uuid PRIMARY KEY,
  office text NOT NULL,
  requester text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('enrol', 'import')),
  state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved', 'refused')),
  key_type text,
  algorithm text NOT NULL,
  spki bytea NOT NULL,
  certificate_der bytea,
  chain_der bytea[] NOT NULL DEFAULT '{}',
  encrypted_pkcs8 bytea,
  validity_days integer,
  organisation text NOT NULL,
  unit text NOT NULL,
  person_name text NOT NULL,
  person_title text NOT NULL,
  mismatches text[] NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL,
  decided_at timestamptz,
  decided_by text,
  reason text,
  CHECK ((state = 'pending') = (encrypted_pkcs8 IS NOT NULL)),
  CHECK ((state = 'pending') = (decided_at IS NULL)),
  CHECK ((kind = 'import') = (certificate_der IS NOT NULL))
);
CREATE INDEX key_request_office ON key_request (office, state, created_at);
`,
  },
  {
    id: '0006_pin_policy',
    sql: `
-- Whether a personal key's PIN was set under the PIN policy (at least 8 characters, one not a
-- digit): 'met' from now on (checked when set); 'unknown' for keys and pending requests made
-- before, whose PIN may be six digits (it cannot be read back to check); null for seals (no PIN).
ALTER TABLE signing_key ADD COLUMN pin_policy text CHECK (pin_policy IN ('met', 'unknown'));
UPDATE signing_key SET pin_policy = 'unknown' WHERE purpose = 'personal';
ALTER TABLE signing_key ADD CONSTRAINT signing_key_pin_policy_personal CHECK ((purpose = 'personal') = (pin_policy IS NOT NULL));
ALTER TABLE key_request ADD COLUMN pin_policy text NOT NULL DEFAULT 'unknown' CHECK (pin_policy IN ('met', 'unknown'));
`,
  },
  {
    id: '0007_signing_log_outcome',
    sql: `
-- What a logged action produced (a signature: sha256:<hex> of its value) or, when it failed,
-- the error code: the log records outcomes, not intentions.
ALTER TABLE signing_log ADD COLUMN outcome text;
`,
  },
  {
    id: '0008_kek_derivation',
    sql: `
-- How LIENTHONG_SIGNING_KEK (a passphrase) becomes the 256-bit key-encryption key: scrypt
-- (RFC 7914) with this salt and these parameters, written on the first start; the check value
-- (HMAC-SHA256 of a fixed label under the derived key) tells a wrong passphrase at start.
CREATE TABLE kek (
  id smallint PRIMARY KEY CHECK (id = 1),
  salt bytea NOT NULL,
  scrypt_n integer NOT NULL,
  scrypt_r integer NOT NULL,
  scrypt_p integer NOT NULL,
  check_value bytea NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    id: '0009_office_source',
    sql: `
-- Where an office's registration comes from: the offices file, or intake's directory
-- (directory.changed) with the revision last applied, so a replayed older event changes
-- nothing. Once the directory has published an office it is the directory's: the file no
-- longer writes it, and its people are the directory's too (its CA administrators no longer
-- record them). A retired office (active = false) gets no new certificate.
ALTER TABLE office
  ADD COLUMN source text NOT NULL DEFAULT 'file' CHECK (source IN ('file', 'directory')),
  ADD COLUMN revision bigint,
  ADD COLUMN active boolean NOT NULL DEFAULT true,
  ADD CONSTRAINT office_directory_revision CHECK ((source = 'directory') = (revision IS NOT NULL));
`,
  },
  {
    // lienthong_certificates_expiring, read at each scrape (signing-metrics.ts): the key
    // certificates ending soon by their end, and each key found from its certificate.
    id: '0010_certificate_metrics',
    sql: `
CREATE INDEX certificate_key_ending ON certificate (not_after) WHERE revoked_at IS NULL AND role IN ('seal', 'person');
CREATE INDEX signing_key_certificate ON signing_key (ca_certificate_id);
`,
  },
  {
    id: '0011_token_keys',
    sql: `
-- Key requests from a PKCS #10 certification request (kind csr): the key was generated on the
-- signer's USB token and never comes here, so the request holds the CSR instead of a key under
-- a PIN, and once approved the key (storage token) holds only its certificate: it signs through
-- two-step signing, never with a PIN here. A public key is requested by CSR once while pending
-- or approved (key_request_csr_key); the service also refuses a key any other request holds.
ALTER TABLE key_request DROP CONSTRAINT key_request_kind_check;
ALTER TABLE key_request ADD CONSTRAINT key_request_kind_check CHECK (kind IN ('enrol', 'import', 'csr'));
ALTER TABLE key_request DROP CONSTRAINT key_request_check;
ALTER TABLE key_request ADD CONSTRAINT key_request_key_while_pending
  CHECK ((state = 'pending' AND kind <> 'csr') = (encrypted_pkcs8 IS NOT NULL));
ALTER TABLE key_request ADD COLUMN csr_der bytea;
ALTER TABLE key_request ADD CONSTRAINT key_request_csr CHECK ((kind = 'csr') = (csr_der IS NOT NULL));
ALTER TABLE key_request ALTER COLUMN pin_policy DROP NOT NULL;
ALTER TABLE key_request ADD CONSTRAINT key_request_pin_policy_csr CHECK ((kind = 'csr') = (pin_policy IS NULL));
CREATE UNIQUE INDEX key_request_csr_key ON key_request (sha256(spki)) WHERE kind = 'csr' AND state IN ('pending', 'approved');
CREATE INDEX key_request_key ON key_request (sha256(spki));
ALTER TABLE signing_key DROP CONSTRAINT signing_key_storage_check;
ALTER TABLE signing_key ADD CONSTRAINT signing_key_storage_check CHECK (storage IN ('server', 'pkcs11', 'token'));
ALTER TABLE signing_key DROP CONSTRAINT signing_key_pin_policy_personal;
ALTER TABLE signing_key ADD CONSTRAINT signing_key_pin_policy_personal
  CHECK ((purpose = 'personal' AND storage <> 'token') = (pin_policy IS NOT NULL));
ALTER TABLE signing_key ADD CONSTRAINT signing_key_token_personal CHECK (storage <> 'token' OR purpose = 'personal');
`,
  },
];
