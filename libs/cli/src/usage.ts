import {
  ARCHIVE_COMMANDS,
  AUDIT_COMMANDS,
  CA_COMMANDS,
  DELIVERY_COMMANDS,
  DIRECTORY_COMMANDS,
  DLQ_COMMANDS,
  DOC_COMMANDS,
  INBOX_COMMANDS,
  KEY_COMMANDS,
  PDF_COMMANDS,
  PKI_COMMANDS,
  REGISTER_COMMANDS,
  TOKEN_COMMANDS,
  TOP_COMMANDS,
} from './commands/index.ts';

const list = (commands: ReadonlyMap<string, { summary: string }>, prefix: string): string =>
  [...commands].map(([name, c]) => `  ${`${prefix}${name}`.padEnd(22)}${c.summary}`).join('\n');

/** `lienthong --help`. */
export function mainUsage(): string {
  return `Usage: lienthong COMMAND [ARGS…]

Signed electronic documents for Party committee offices: verify signatures and
certificate paths, sign, stamp and extend PDFs, run a test CA, issue access
tokens: on files, without any service. The directory, doc, register, inbox,
delivery, audit, archive and ca commands talk to the services (--config FILE or LIENTHONG_CONFIG).

Commands:
${list(TOP_COMMANDS, '')}
  pki COMMAND           certificates, CRLs, path validation (lienthong pki --help)
${list(PKI_COMMANDS, 'pki ')}
  pdf COMMAND           PAdES signatures on PDF files (lienthong pdf --help)
${list(PDF_COMMANDS, 'pdf ')}
  token COMMAND         access tokens for the services; your USB token (lienthong token --help)
${list(TOKEN_COMMANDS, 'token ')}
  directory COMMAND     the directory of offices (lienthong directory --help)
${list(DIRECTORY_COMMANDS, 'directory ')}
  doc COMMAND           your office's documents (lienthong doc --help)
${list(DOC_COMMANDS, 'doc ')}
  register COMMAND      the outgoing register of your office (lienthong register --help)
${list(REGISTER_COMMANDS, 'register ')}
  inbox COMMAND         your office's incoming documents (lienthong inbox --help)
${list(INBOX_COMMANDS, 'inbox ')}
  delivery COMMAND      the deliveries your office sent (lienthong delivery --help)
${list(DELIVERY_COMMANDS, 'delivery ')}
  dlq COMMAND           dead letters of the event bus, for an operator (lienthong dlq --help)
${list(DLQ_COMMANDS, 'dlq ')}
  audit COMMAND         the archive's audit log of your office (lienthong audit --help)
${list(AUDIT_COMMANDS, 'audit ')}
  archive COMMAND       your office's archived records (lienthong archive --help)
${list(ARCHIVE_COMMANDS, 'archive ')}
  ca COMMAND            the signing service's CA, for an operator (lienthong ca --help)
${list(CA_COMMANDS, 'ca ')}
  key COMMAND           your keys at the signing service (lienthong key --help)
${list(KEY_COMMANDS, 'key ')}

Run 'lienthong COMMAND --help' for the options of a command.

Exit status: 0 success or valid; 1 a signature or certificate path that does
not validate, or a service that refused; 2 unusable input, command line or
configuration (one line on stderr names it).
Environment: read only through --passphrase-env VAR / --issuer-passphrase-env
VAR / --tsa-passphrase-env VAR (a key passphrase or PKCS#12 password) and
--tsa-token-env VAR (a TSA bearer token), LIENTHONG_CONFIG (the client
configuration, when --config is not given) and LIENTHONG_KAFKA_BROKERS (the dlq
commands, when --brokers is not given). Keys and tokens are never printed.
`;
}

/** `lienthong pki --help`, `lienthong token --help`. */
export function groupUsage(group: string, commands: ReadonlyMap<string, { summary: string }>): string {
  return `Usage: lienthong ${group} COMMAND [ARGS…]

Commands:
${list(commands, '')}

Run 'lienthong ${group} COMMAND --help' for the options of a command.
`;
}
