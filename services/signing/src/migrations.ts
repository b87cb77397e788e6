/**
 * The signing schema's own migrations, in order (the kit's outbox tables come first by
 * themselves). CA state: certificates, their private keys (encrypted with the KEK), the
 * CRLs issued and a CRL number per issuer (RFC 5280 §5.2.3), and the TSA serial sequence
 * (RFC 3161 §2.4.2: serial numbers unique per TSA).
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
];
