/**
 * The key requests of an office at the signing service (services/signing README, "Registered
 * identities", "Keys on a signer's USB token"): `lienthong key requests` lists them (a CA
 * administrator sees the office's, a signer their own), `key approve` and `key refuse` decide
 * one (a CA administrator of the office who is not the requester: signing refuses otherwise),
 * and `key certificate` writes a key's certificate, e.g. to load onto the USB token whose
 * request was approved.
 */
import { toPem } from '@lienthong/pki';
import { parseCommandLine, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, writeOutput } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';
import { asClient } from './doc-client.ts';

/** A key request as signing lists it (the fields printed). */
interface KeyRequest {
  id: string;
  kind: string;
  state: string;
  requester: string;
  subject: string;
  mismatches: string[];
  keyType: string | null;
  createdAt: string;
  reason: string | null;
}

/** A key as signing shows it. */
interface Key {
  id: string;
  subject: string;
  notAfter: string;
  certificate: string;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The one ID operand of `command`, a UUID. */
function idOf(command: string, operands: string[]): string {
  const [id] = positionals(command, operands, ['ID']);
  if (!uuidPattern.test(id!))
    throw new CliError(
      'USAGE',
      `${command}: ${id} is not a key or request id (a UUID). Run 'lienthong ${command} --help'.`,
    );
  return id!;
}

const jsonBody = (value: unknown) => ({ contentType: 'application/json', bytes: Buffer.from(JSON.stringify(value)) });

/** Writes `key`'s certificate (PEM) to `output`, when one was asked for. */
function writeCertificate(io: CliIo, key: Key, output: string | undefined): void {
  if (output === undefined) return;
  if (typeof key.certificate !== 'string')
    throw new CliError('SERVICE_UNREACHABLE', 'signing answered a key without its certificate.');
  writeOutput(io, output, toPem('CERTIFICATE', Buffer.from(key.certificate, 'base64')));
}

/** `lienthong key requests`. */
export const keyRequestsCommand: Command = {
  name: 'requests',
  summary: "your office's key requests (a CA administrator's), or your own (a signer's)",
  usage: `Usage: lienthong key requests [--state pending|approved|refused] [--config FILE] [--json]

Lists the key requests at the signing service: every request of your office for
a CA administrator (ca-admin), your own for a signer. Each line: the id, kind
(enrol: a key made by the service; import: a PKCS#12 whose certificate names
someone else; csr: a USB token's request), state, requester, and the subject
the certificate carries, which is always the identity your office registered.

  --state STATE   only pending, approved or refused requests
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print { "requests": [ … ] } as signing answers it

Exit status: 0 listed; 1 the service refused; 2 unusable command line or
configuration, or the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('key requests', args, {
      state: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('key requests', rest, []);
    if (values.state !== undefined && !['pending', 'approved', 'refused'].includes(values.state))
      throw new CliError('USAGE', `key requests: --state ${values.state}: expected pending, approved or refused.`);
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const answer = await callService<{ requests: KeyRequest[] }>(io, config, 'signing', {
        method: 'GET',
        path: '/v1/key-requests',
        query: { state: values.state },
      });
      if (!Array.isArray(answer?.requests))
        throw new CliError('SERVICE_UNREACHABLE', 'signing answered a list of key requests this command cannot read.');
      if (json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
      else if (answer.requests.length === 0) io.stdout('no key requests\n');
      else
        io.stdout(
          answer.requests
            .map(
              (r) =>
                `${r.id} ${r.kind} ${r.state} by ${r.requester} at ${r.createdAt}${r.keyType === null ? '' : ` (${r.keyType})`}\n` +
                `  certificate subject: ${r.subject}\n` +
                (r.mismatches.length === 0 ? '' : `  differs from the registration: ${r.mismatches.join('; ')}\n`) +
                (r.reason === null ? '' : `  refused: ${r.reason}\n`),
            )
            .join(''),
        );
      return EXIT.ok;
    });
  },
};

/** `lienthong key approve`. */
export const keyApproveCommand: Command = {
  name: 'approve',
  summary: 'approve a key request of your office (a CA administrator, not the requester)',
  usage: `Usage: lienthong key approve ID [-o CERT.pem] [--force] [--config FILE] [--json]

Approves the pending key request ID: the office's CA certifies its key in the
identity your office registered (an import keeps its certificate), and the key
can sign. Only a CA administrator (ca-admin) of the office who is not the
requester may. With -o, the certificate is written as PEM (for a USB token's
request: the file to load onto the token).

  -o, --output FILE  write the new key's certificate (PEM)
  --force            replace FILE if it exists
  --config FILE      client configuration (default: $LIENTHONG_CONFIG)
  --json             print the key as signing answers it

Exit status: 0 approved; 1 the service refused (your own request, already
decided, the registration changed since, …); 2 unusable command line or
configuration, or the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('key approve', args, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const id = idOf('key approve', rest);
    const json = values.json === true;
    if (values.output !== undefined) assertWritable(io, [values.output], values.force === true);
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const key = await callService<Key>(io, config, 'signing', {
        method: 'POST',
        path: `/v1/key-requests/${id}/approval`,
      });
      writeCertificate(io, key, values.output);
      if (json) io.stdout(`${JSON.stringify(key, null, 2)}\n`);
      else
        io.stdout(
          `key ${key.id} approved: ${key.subject}, until ${key.notAfter}${values.output === undefined ? '' : `; certificate in ${values.output}`}\n`,
        );
      return EXIT.ok;
    });
  },
};

/** `lienthong key refuse`. */
export const keyRefuseCommand: Command = {
  name: 'refuse',
  summary: 'refuse a key request of your office with a reason (a CA administrator)',
  usage: `Usage: lienthong key refuse ID --reason TEXT [--config FILE] [--json]

Refuses the pending key request ID with a reason (at most 500 characters): a key
the service made for it is destroyed; a USB token's key is simply not
certified. Only a CA administrator of the office who is not the requester may.

  --reason TEXT   why, as the requester will read it
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print the request as signing answers it

Exit status: 0 refused; 1 the service refused; 2 unusable command line or
configuration, or the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('key refuse', args, {
      reason: { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const id = idOf('key refuse', rest);
    const reason = required('key refuse', 'reason', values.reason);
    if (reason.trim() === '') throw new CliError('USAGE', 'key refuse: --reason must say why.');
    const json = values.json === true;
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const answer = await callService<KeyRequest>(io, config, 'signing', {
        method: 'POST',
        path: `/v1/key-requests/${id}/refusal`,
        body: jsonBody({ reason }),
      });
      if (json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
      else io.stdout(`key request ${answer.id} refused: ${answer.reason ?? reason}\n`);
      return EXIT.ok;
    });
  },
};

/** `lienthong key certificate`. */
export const keyCertificateCommand: Command = {
  name: 'certificate',
  summary: "write one of your keys' certificate (PEM), e.g. to load onto your USB token",
  usage: `Usage: lienthong key certificate ID -o CERT.pem [--force] [--config FILE]

Writes the certificate of key ID (GET /v1/keys/ID: your own keys, or your
office's seals) as PEM. After a USB token's request is approved, this is the
certificate to load onto the token with its vendor's tool, or to give to
'lienthong doc sign --token-module … --certificate CERT.pem'.

  -o, --output FILE  where to write it (required)
  --force            replace FILE if it exists
  --config FILE      client configuration (default: $LIENTHONG_CONFIG)

Exit status: 0 written; 1 the service refused (no such key of yours); 2 unusable
command line or configuration, or the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('key certificate', args, {
      output: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      config: { type: 'string' },
    });
    const id = idOf('key certificate', rest);
    const output = required('key certificate', 'output', values.output);
    assertWritable(io, [output], values.force === true);
    const config = readClientConfig(io, values.config);
    return asClient(io, false, async () => {
      const key = await callService<Key>(io, config, 'signing', { method: 'GET', path: `/v1/keys/${id}` });
      writeCertificate(io, key, output);
      io.stdout(`${output}: the certificate of ${key.subject}, until ${key.notAfter}\n`);
      return EXIT.ok;
    });
  },
};
