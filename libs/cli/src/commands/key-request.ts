/**
 * `lienthong key request --csr FILE`: a signer whose key lives on their USB token asks the
 * signing service's CA to certify it, with the token's PKCS #10 certification request
 * (`POST /v1/key-requests/csr`; services/signing README, "Keys on a signer's USB token").
 * The request is read here first (libs/pki `readCertificationRequest`: DER or PEM, proof of
 * possession, a key the CA certifies), so a file that could never be certified is refused
 * without a call. The certificate will name what the office registered, not the request's
 * subject; a CA administrator of the office who is not the caller approves it.
 */
import { isPkiError, readCertificationRequest, toDer } from '@lienthong/pki';
import { parseCommandLine, parseInteger, positionals, required } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError, EXIT } from '../errors.ts';
import { readInput } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';
import { asClient } from './doc-client.ts';

/** A key request as signing answers it (the fields printed). */
interface KeyRequestAnswer {
  id: string;
  kind: string;
  state: string;
  office: string;
  subject: string;
  keyType: string | null;
}

/** The DER of the request in `path` (PEM `CERTIFICATE REQUEST` or `NEW CERTIFICATE REQUEST`, or DER), checked. */
function readRequest(io: CliIo, path: string): Uint8Array {
  const bytes = readInput(io, path);
  try {
    const text = Buffer.from(bytes.subarray(0, 64)).toString('latin1');
    const der = !text.includes('-----BEGIN ')
      ? bytes
      : text.includes('-----BEGIN NEW CERTIFICATE REQUEST-----')
        ? toDer(bytes, 'NEW CERTIFICATE REQUEST')
        : toDer(bytes, 'CERTIFICATE REQUEST');
    return readCertificationRequest(der).der;
  } catch (e) {
    if (isPkiError(e)) throw new CliError('PKI_ERROR', `${path}: ${e.message}`, { cause: e });
    throw e;
  }
}

/** `lienthong key request`. */
export const keyRequestCommand: Command = {
  name: 'request',
  summary: "ask the CA to certify the key of your USB token's certification request",
  usage: `Usage: lienthong key request --csr FILE [--validity-days DAYS] [--config FILE] [--json]

Sends the PKCS #10 certification request your USB token made (the private key
stays on the token) to the signing service: a pending key request whose
certificate will name you and your office as your office registered them (the
request's own subject is not used). A CA administrator of your office who is
not you approves it; the certificate is then GET /v1/keys/ID, to load onto the
token and to sign in two steps.

  --csr FILE            the request, PEM (CERTIFICATE REQUEST) or DER; it must
                        verify with its own key: RSA 2048-8192 or ECDSA P-256/P-384
  --validity-days DAYS  the certificate's validity, 1-1825 days (default 730)
  --config FILE         client configuration (default: $LIENTHONG_CONFIG):
                        { "endpoints": { "signing": "http://…" }, "token": "…" }
  --json                print the key request as signing answers it

Exit status: 0 the request is filed (pending); 1 the service refused it (a key
already requested, not a signer, not registered, …); 2 unusable command line,
request file or configuration, or the service unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('key request', args, {
      csr: { type: 'string' },
      'validity-days': { type: 'string' },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    positionals('key request', rest, []);
    const path = required('key request', 'csr', values.csr);
    const validityDays =
      values['validity-days'] === undefined
        ? undefined
        : parseInteger('validity-days', values['validity-days'], 1, 1825);
    const json = values.json === true;
    const der = readRequest(io, path);
    const config = readClientConfig(io, values.config);
    return asClient(io, json, async () => {
      const body = {
        csr: Buffer.from(der).toString('base64'),
        ...(validityDays === undefined ? {} : { validityDays }),
      };
      const answer = await callService<KeyRequestAnswer>(io, config, 'signing', {
        method: 'POST',
        path: '/v1/key-requests/csr',
        body: { bytes: Buffer.from(JSON.stringify(body)), contentType: 'application/json' },
      });
      if (typeof answer.id !== 'string' || typeof answer.subject !== 'string')
        throw new CliError('SERVICE_UNREACHABLE', 'signing answered a key request this command cannot read.');
      if (json) io.stdout(`${JSON.stringify(answer, null, 2)}\n`);
      else
        io.stdout(
          `key request ${answer.id} ${answer.state} (${answer.keyType ?? 'key'} on your token)\n` +
            `  certificate subject: ${answer.subject}\n` +
            `  a CA administrator of ${answer.office} who is not you approves it; the certificate is then GET /v1/keys/${answer.id}\n`,
        );
      return EXIT.ok;
    });
  },
};
