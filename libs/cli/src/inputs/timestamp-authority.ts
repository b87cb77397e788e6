import { randomBytes } from 'node:crypto';
import {
  buildTimeStampRequest,
  issueTimeStampToken,
  readTimeStampResponse,
  readTimeStampToken,
  type TimeStamper,
} from '@lienthong/pki';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';
import { parseOid } from './validation-inputs.ts';
import { loadSigningIdentity } from './pdf-signing-key.ts';
import { passphraseFromEnv } from './private-key.ts';

/** The options that choose a time-stamping authority. */
export interface TsaOptions {
  readonly tsa?: string;
  readonly 'tsa-token-env'?: string;
  readonly 'tsa-key'?: string;
  readonly 'tsa-cert'?: string;
  readonly 'tsa-chain'?: string[];
  readonly 'tsa-passphrase-env'?: string;
  readonly 'tsa-policy'?: string;
}

/** The option specs of {@link TsaOptions}, for parseCommandLine. */
export const TSA_OPTION_SPECS = {
  tsa: { type: 'string' },
  'tsa-token-env': { type: 'string' },
  'tsa-key': { type: 'string' },
  'tsa-cert': { type: 'string' },
  'tsa-chain': { type: 'string', multiple: true },
  'tsa-passphrase-env': { type: 'string' },
  'tsa-policy': { type: 'string' },
} as const;

/** The help lines of {@link TsaOptions}. */
export const TSA_USAGE = `  --tsa URL              RFC 3161 time-stamping authority (HTTP POST of
                         application/timestamp-query, RFC 3161 §3.4)
  --tsa-token-env VAR    variable holding a bearer token for --tsa (the
                         lienthong signing service's /v1/tsa needs one)
  --tsa-key FILE         time-stamp in process with this TSA key instead
  --tsa-cert FILE        … and this TSA certificate (extKeyUsage timeStamping)
  --tsa-chain FILE       … and its issuing CAs (repeatable)
  --tsa-passphrase-env VAR  passphrase of an encrypted --tsa-key
  --tsa-policy OID       policy of the in-process TSA's tokens`;

/** The policy of tokens made in process when --tsa-policy is not given: the local hierarchy's TSA policy (a UUID OID, X.667). */
export const DEFAULT_TSA_POLICY = '2.25.297422521957711654213599548404999760074';

/** How long to wait for a remote TSA. */
const TSA_TIMEOUT_MS = 30_000;

function checkToken(url: string, der: Uint8Array, imprint: Uint8Array, nonce: Uint8Array): Uint8Array {
  let response;
  try {
    response = readTimeStampResponse(der);
  } catch (e) {
    throw new CliError('TSA_FAILED', `${url}: the answer is not an RFC 3161 TimeStampResp.`, { cause: e });
  }
  if (response.token === undefined)
    throw new CliError(
      'TSA_FAILED',
      `${url}: no token granted (status ${response.status}${[...response.statusStrings, ...response.failures].map((s) => `; ${s}`).join('')}).`,
    );
  const info = readTimeStampToken(response.token.der).tstInfo;
  if (Buffer.compare(info.messageImprint.hashedMessage, imprint) !== 0)
    throw new CliError('TSA_FAILED', `${url}: the token does not cover the digest sent.`);
  // RFC 3161 §2.4.2: the nonce must come back as it was sent (the INTEGER's content octets may carry a leading zero).
  const back =
    info.nonce === undefined
      ? undefined
      : Buffer.from(info.nonce)
          .toString('hex')
          .replace(/^(00)+/, '');
  if (
    back !==
    Buffer.from(nonce)
      .toString('hex')
      .replace(/^(00)+/, '')
  )
    throw new CliError('TSA_FAILED', `${url}: the token's nonce is not the one sent.`);
  return response.token.der;
}

/**
 * A {@link TimeStamper} that posts an RFC 3161 request over HTTP (§3.4) with
 * fetch, optionally with a bearer token, and checks the answer: granted, the
 * imprint sent, the nonce sent.
 */
export function httpTimeStamper(url: string, bearer: string | undefined): TimeStamper {
  return async (imprint, hash) => {
    const nonce = randomBytes(8);
    nonce[0] = nonce[0]! & 0x7f;
    const request = buildTimeStampRequest({ hash, imprint, nonce, certReq: true });
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/timestamp-query',
          accept: 'application/timestamp-reply',
          ...(bearer === undefined ? {} : { authorization: `Bearer ${bearer}` }),
        },
        body: request,
        signal: AbortSignal.timeout(TSA_TIMEOUT_MS),
      });
    } catch (e) {
      const cause = (e as { cause?: { code?: string; message?: string } }).cause;
      throw new CliError(
        'TSA_FAILED',
        `${url}: could not reach the TSA (${cause?.code ?? cause?.message ?? (e instanceof Error ? e.message : String(e))}).`,
        { cause: e },
      );
    }
    const body = new Uint8Array(await res.arrayBuffer());
    if (!res.ok)
      throw new CliError(
        'TSA_FAILED',
        `${url}: HTTP ${res.status}${res.status === 401 ? ' (name a variable holding a bearer token with --tsa-token-env)' : ''}.`,
      );
    return checkToken(url, body, imprint, nonce);
  };
}

function url(value: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
  } catch {
    throw new CliError('USAGE', `--tsa ${value}: not a URL.`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')
    throw new CliError('USAGE', `--tsa ${value}: expected an http or https URL.`);
  return parsed.href;
}

/**
 * The time-stamping authority chosen on the command line: --tsa URL, or an
 * in-process TSA from --tsa-key and --tsa-cert (issueTimeStampToken, for
 * offline use and tests), or none.
 */
export function resolveTimeStamper(io: CliIo, command: string, values: TsaOptions): TimeStamper | undefined {
  const local = values['tsa-key'] !== undefined || values['tsa-cert'] !== undefined;
  if (values.tsa !== undefined && local)
    throw new CliError(
      'USAGE',
      `${command}: give --tsa URL or --tsa-key/--tsa-cert, not both. Run 'lienthong ${command} --help'.`,
    );
  if (values.tsa !== undefined) {
    const token =
      values['tsa-token-env'] === undefined
        ? undefined
        : passphraseFromEnv(io, 'tsa-token-env', values['tsa-token-env']);
    return httpTimeStamper(url(values.tsa), token);
  }
  if (!local) return undefined;
  if (values['tsa-key'] === undefined || values['tsa-cert'] === undefined)
    throw new CliError('USAGE', `${command}: --tsa-key and --tsa-cert go together. Run 'lienthong ${command} --help'.`);
  const tsa = loadSigningIdentity(io, {
    key: values['tsa-key'],
    cert: values['tsa-cert'],
    chain: values['tsa-chain'],
    passphraseEnv: values['tsa-passphrase-env'],
    names: { key: 'tsa-key', cert: 'tsa-cert', passphraseEnv: 'tsa-passphrase-env' },
  });
  const policy = values['tsa-policy'] === undefined ? DEFAULT_TSA_POLICY : parseOid('tsa-policy', values['tsa-policy']);
  return async (imprint, hash) => {
    const nonce = randomBytes(8);
    nonce[0] = nonce[0]! & 0x7f;
    const der = await issueTimeStampToken({
      request: buildTimeStampRequest({ hash, imprint, nonce, certReq: true }),
      tsaCertificate: tsa.certificate,
      chain: tsa.chain,
      signer: tsa.signer,
      serialNumber: randomBytes(16).map((b, i) => (i === 0 ? b & 0x7f : b)),
      policy,
    });
    return checkToken('the in-process TSA', der, imprint, nonce);
  };
}
