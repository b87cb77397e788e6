/**
 * `lienthong token keygen|jwks|issue`: the access tokens of a deployment without an
 * identity provider. The issuer key (Ed25519 by default) stays with whoever issues tokens;
 * the services get only its public JWK set (LIENTHONG_AUTH_JWKS). Tokens are JWT access
 * tokens (RFC 9068) naming one subject, one office and roles.
 */
import { createPrivateKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import {
  defaultMaxLifetimeSeconds,
  maxLifetimeLimitSeconds,
  publicJwks,
  serviceAudience,
  signAccessToken,
} from '@lienthong/service/access-token';
import { parseCommandLine, positionals, required } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { assertWritable, readInput, writeOutput } from '../inputs/files.ts';
import type { CliIo, Command } from '../io.ts';
import { loadKeyring } from '../inputs/token-keyring.ts';

function readIssuerKey(io: CliIo, path: string): KeyObject {
  try {
    const key = createPrivateKey(Buffer.from(readInput(io, path)));
    publicJwks(key);
    return key;
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      'BAD_TOKEN_KEY',
      `${path}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}.`,
      { cause: error },
    );
  }
}

/** The key `token issue` signs with: `--key` (and `--kid`), or the current key of `--keys DIR`. */
function signingKeyOf(
  io: CliIo,
  values: { key?: string; keys?: string; kid?: string },
): { key: KeyObject; kid: string | undefined } {
  if (values.keys === undefined)
    return { key: readIssuerKey(io, required('token issue', 'key', values.key)), kid: values.kid };
  if (values.key !== undefined || values.kid !== undefined)
    throw new CliError('USAGE', 'token issue: give --keys DIR, or --key FILE (and --kid), not both.');
  const ring = loadKeyring(io, values.keys);
  if (ring.state.purpose !== 'auth')
    throw new CliError(
      'USAGE',
      `token issue: ${values.keys} holds ${ring.state.purpose} keys, not the access-token keys (purpose auth).`,
    );
  const current = ring.keys.find((k) => k.kid === ring.state.current)!;
  return { key: current.privateKey, kid: current.kid };
}

const DURATION = /^(\d{1,6})([smhd])$/;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function parseDuration(value: string): number {
  const match = DURATION.exec(value);
  const seconds = match === null ? 0 : Number(match[1]) * unitSeconds[match[2]!]!;
  if (seconds < 1 || seconds > maxLifetimeLimitSeconds)
    throw new CliError('USAGE', `--ttl ${value}: expected a duration such as 15m, 1h or 8h (at most 7d).`);
  return seconds;
}

const serviceNames = ['intake', 'signing', 'archive', 'delivery'];

/** The `aud` of a token: `--service` names mapped to their default audiences, then `--audience` values. */
function audiencesOf(services: readonly string[], audiences: readonly string[]): string[] {
  const unknown = services.find((name) => !serviceNames.includes(name));
  if (unknown !== undefined)
    throw new CliError('USAGE', `--service ${unknown}: expected one of ${serviceNames.join(', ')}.`);
  const all = [...new Set([...services.map(serviceAudience), ...audiences])];
  if (all.length === 0)
    throw new CliError('USAGE', 'name the services the token is for: --service NAME or --audience AUD (repeatable).');
  return all;
}

const keygenUsage = `Usage: lienthong token keygen OUT [--force]

Makes an access-token issuer key (Ed25519, PKCS#8 PEM, mode 0600). Keep it with whoever
issues tokens; give the services 'lienthong token jwks OUT' as LIENTHONG_AUTH_JWKS.
`;

const jwksUsage = `Usage: lienthong token jwks KEY [--kid ID]

Prints the public JWK set (RFC 7517) of an issuer key, the value of LIENTHONG_AUTH_JWKS.
`;

const issueUsage = `Usage: lienthong token issue (--key FILE | --keys DIR) --subject SUB --office CODE [options]

Issues an access token (JWT, RFC 9068) and prints it. A service accepts it when it trusts
the key's JWK set, the issuer is its LIENTHONG_AUTH_ISSUER, the audience (aud) names it and
the lifetime is within its LIENTHONG_AUTH_MAX_LIFETIME_SECONDS (default 1h).

Options:
  --key FILE         the issuer key (PKCS#8 PEM), with --kid when the JWK set names it
  --keys DIR         a key folder of 'lienthong token keys' (purpose auth): its
                     current key, with its kid
  --service NAME     intake, signing, archive, delivery: aud lienthong-NAME (repeatable)
  --audience AUD     another audience, a service's LIENTHONG_AUTH_AUDIENCE (repeatable)
                     at least one --service or --audience is required
  --role ROLE        signer, registry, office-system, archivist, ca-admin (repeatable)
  --name TEXT        a display name (e.g. the signer's full name)
  --ttl DURATION     lifetime: 15m, 1h, 8h (default 1h, at most 7d); over 1h only
                     services with a larger LIENTHONG_AUTH_MAX_LIFETIME_SECONDS accept it
  --kid ID           the key id the JWK set names (default none)
  --issuer ISS       default lienthong
`;

/** `lienthong token keygen`. */
export const tokenKeygenCommand: Command = {
  name: 'token keygen',
  summary: 'make an access-token issuer key (Ed25519)',
  usage: keygenUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token keygen', args, { force: { type: 'boolean' } });
    const [out] = positionals('token keygen', rest, ['out']);
    assertWritable(io, [out!], values.force === true);
    const pem = generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    writeOutput(io, out!, pem, true);
    io.stdout(`wrote ${out}: an Ed25519 token issuer key (0600)\n`);
    return EXIT.ok;
  },
};

/** `lienthong token jwks`. */
export const tokenJwksCommand: Command = {
  name: 'token jwks',
  summary: 'print the public JWK set of an issuer key',
  usage: jwksUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token jwks', args, { kid: { type: 'string' } });
    const [keyFile] = positionals('token jwks', rest, ['key']);
    io.stdout(`${publicJwks(readIssuerKey(io, keyFile!), values.kid)}\n`);
    return EXIT.ok;
  },
};

/** `lienthong token issue`. */
export const tokenIssueCommand: Command = {
  name: 'token issue',
  summary: 'issue an access token for a subject of an office',
  usage: issueUsage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token issue', args, {
      key: { type: 'string' },
      keys: { type: 'string' },
      subject: { type: 'string' },
      office: { type: 'string' },
      role: { type: 'string', multiple: true },
      name: { type: 'string' },
      ttl: { type: 'string' },
      kid: { type: 'string' },
      issuer: { type: 'string' },
      audience: { type: 'string', multiple: true },
      service: { type: 'string', multiple: true },
    });
    positionals('token issue', rest, []);
    const { key, kid } = signingKeyOf(io, values);
    const office = required('token issue', 'office', values.office);
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(office))
      throw new CliError('USAGE', `--office ${office}: letters, digits, '.', '_' and '-' only, at most 64.`);
    const roles = values.role ?? [];
    const badRole = roles.find((role) => !/^[a-z][a-z0-9-]{0,63}$/.test(role));
    if (badRole !== undefined)
      throw new CliError('USAGE', `--role ${badRole}: lower-case letters, digits and '-' only.`);
    const subject = required('token issue', 'subject', values.subject);
    const lifetime = values.ttl === undefined ? defaultMaxLifetimeSeconds : parseDuration(values.ttl);
    const aud = audiencesOf(values.service ?? [], values.audience ?? []);
    const now = Math.floor(Date.now() / 1000);
    const token = signAccessToken(
      {
        iss: values.issuer ?? 'lienthong',
        aud: aud.length === 1 ? aud[0]! : aud,
        sub: subject,
        office,
        roles,
        ...(values.name === undefined ? {} : { name: values.name }),
        iat: now,
        exp: now + lifetime,
      },
      { privateKey: key, ...(kid === undefined ? {} : { kid }) },
    );
    if (lifetime > defaultMaxLifetimeSeconds)
      io.stderr(
        `note: this token lives ${String(lifetime)} s; services accept it only with LIENTHONG_AUTH_MAX_LIFETIME_SECONDS >= ${String(lifetime)} (default ${String(defaultMaxLifetimeSeconds)})\n`,
      );
    io.stdout(`${token}\n`);
    return EXIT.ok;
  },
};
