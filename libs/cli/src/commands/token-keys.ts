/**
 * `lienthong token keys init|rotate|retire|list --dir DIR`: the token issuer's keys rotated
 * without downtime. A new key becomes current while the superseded ones stay in the JWK set
 * the verifiers trust until every token they signed has expired; then `retire` drops them.
 * The same folder layout serves the services' own tokens to signing (`--purpose evidence`,
 * `--purpose archive`). The JWK set to deploy is printed on stdout; private keys never are.
 */
import { clockSkewSeconds, maxLifetimeLimitSeconds } from '@lienthong/service/access-token';
import { parseCommandLine } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import {
  createKeyFolder,
  jwksOf,
  keyPurposes,
  loadKeyring,
  maxKeys,
  newKey,
  saveKeyring,
  writeKey,
  type KeyPurpose,
  type Keyring,
} from '../inputs/token-keyring.ts';
import type { CliIo, Command } from '../io.ts';

const DURATION = /^(\d{1,7})([smhd])$/;
const unitSeconds: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

function parseLifetime(value: string): number {
  const match = DURATION.exec(value);
  const seconds = match === null ? -1 : Number(match[1]) * unitSeconds[match[2]!]!;
  if (seconds < 1 || seconds > maxLifetimeLimitSeconds)
    throw new CliError(
      'USAGE',
      `token keys retire: --max-lifetime ${value}: expected a duration such as 600s or 1h (at most 7d).`,
    );
  return seconds;
}

/** When a superseded key may go: no token it signed can still be accepted (lifetime plus clock skew). */
function retirableAt(superseded: string, maxLifetimeSeconds: number): Date {
  return new Date(Date.parse(superseded) + (maxLifetimeSeconds + clockSkewSeconds) * 1000);
}

/** What every subcommand prints: the JWK set on stdout, a summary on stderr (or everything as JSON). */
function report(
  io: CliIo,
  json: boolean,
  dir: string,
  state: Keyring,
  jwks: string,
  maxLifetimeSeconds: number,
  headline: string,
  retired: readonly string[] = [],
): void {
  const purpose = keyPurposes[state.purpose]!;
  if (json) {
    io.stdout(
      `${JSON.stringify(
        {
          dir,
          purpose: state.purpose,
          variable: purpose.jwksVariable,
          current: state.current,
          keys: state.keys.map((k) => ({
            kid: k.kid,
            created: k.created,
            superseded: k.superseded,
            current: k.kid === state.current,
            retirableAt: k.superseded === null ? null : retirableAt(k.superseded, maxLifetimeSeconds).toISOString(),
          })),
          retired,
          jwks: JSON.parse(jwks) as unknown,
        },
        null,
        2,
      )}\n`,
    );
    return;
  }
  io.stderr(`${headline}\n`);
  for (const k of state.keys) {
    const status =
      k.superseded === null
        ? 'current'
        : `superseded ${k.superseded}, retire after ${retirableAt(k.superseded, maxLifetimeSeconds).toISOString()}`;
    io.stderr(`  ${k.kid}  created ${k.created}  ${status}\n`);
  }
  for (const kid of retired) io.stderr(`  ${kid}  retired (key file removed)\n`);
  io.stderr(deployNote(dir, state.current, purpose));
  io.stdout(`${jwks}\n`);
}

function deployNote(dir: string, current: string, purpose: KeyPurpose): string {
  const use = purpose.privateKeyUse.replaceAll('DIR', dir).replaceAll('KID', current);
  return `deploy the JWK set on stdout as ${purpose.jwksVariable} to ${purpose.verifiers} first; then ${use}\n`;
}

const usage = `Usage: lienthong token keys init|rotate|retire|list --dir DIR [options]

Rotates the keys of a token issuer without downtime. DIR holds one Ed25519
private key per key id (KID.pem, mode 0600, never printed), keyring.json (which
key is current; when each was made and superseded) and jwks.json (the public
keys of every key kept). Each subcommand prints the JWK set to deploy on stdout
(a summary on stderr).

  init      make DIR (0700, empty or new) and its first key
  rotate    make a new key, current from now on; the superseded keys stay in
            the JWK set, so the tokens they signed stay valid
  retire    remove the superseded keys no token can still use: superseded more
            than --max-lifetime (plus 60 s of clock skew) ago; never the current
  list      show the keys and print the JWK set

Rotating: 'rotate', deploy the JWK set to the verifiers, then sign with the new
key ('lienthong token issue --keys DIR'; for a service, its key variables); once
the longest token lifetime has passed, 'retire' and deploy the smaller set.

Options:
  --dir DIR              the key folder (required)
  --purpose P            init: auth (default; LIENTHONG_AUTH_JWKS, the
                         deployment's access tokens), evidence (delivery's
                         tokens, LIENTHONG_SIGNING_EVIDENCE_JWKS) or archive
                         (the archive's tokens, LIENTHONG_SIGNING_ARCHIVE_JWKS)
  --max-lifetime D       retire: the longest token lifetime the verifiers
                         accept (default 1h for auth, as the services'
                         LIENTHONG_AUTH_MAX_LIFETIME_SECONDS; 600s otherwise)
  --kid KID              retire: only this key (repeatable)
  --force                retire --kid: even if tokens it signed may still be
                         live (a compromised key)
  --json                 print { purpose, variable, current, keys, retired, jwks }

Exit status: 0 done; 2 unusable command line, a damaged or foreign file in DIR
(KEYRING_INVALID), the current key or one still in use named to retire
(KEY_IN_USE).
`;

/** `lienthong token keys`. */
export const tokenKeysCommand: Command = {
  name: 'keys',
  summary: 'rotate the issuer keys: init, rotate, retire, list',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('token keys', args, {
      dir: { type: 'string' },
      purpose: { type: 'string' },
      'max-lifetime': { type: 'string' },
      kid: { type: 'string', multiple: true },
      force: { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [action, ...extra] = rest;
    if (action === undefined || !['init', 'rotate', 'retire', 'list'].includes(action))
      throw new CliError('USAGE', 'token keys: expected init, rotate, retire or list.');
    if (extra.length > 0)
      throw new CliError('USAGE', `token keys ${action}: unexpected argument ${JSON.stringify(extra[0])}.`);
    const dir = values.dir;
    if (dir === undefined || dir === '') throw new CliError('USAGE', `token keys ${action}: --dir DIR is required.`);
    if (action !== 'init' && values.purpose !== undefined)
      throw new CliError('USAGE', `token keys ${action}: --purpose goes with init (the folder records it).`);
    if (
      action !== 'retire' &&
      (values['max-lifetime'] !== undefined || values.kid !== undefined || values.force === true)
    )
      throw new CliError('USAGE', `token keys ${action}: --max-lifetime, --kid and --force go with retire.`);
    if (values.force === true && values.kid === undefined)
      throw new CliError('USAGE', 'token keys retire: --force goes with --kid (name the keys to drop at once).');
    const json = values.json === true;
    const now = new Date();

    if (action === 'init') {
      const purposeName = values.purpose ?? 'auth';
      if (keyPurposes[purposeName] === undefined)
        throw new CliError(
          'USAGE',
          `token keys init: --purpose ${purposeName}: expected ${Object.keys(keyPurposes).join(', ')}.`,
        );
      const full = createKeyFolder(io, dir);
      const key = newKey(purposeName, now);
      writeKey(dir, full, key.kid, key.privateKey);
      const state: Keyring = {
        version: 1,
        purpose: purposeName,
        current: key.kid,
        keys: [{ kid: key.kid, created: now.toISOString(), superseded: null }],
      };
      saveKeyring(dir, full, state, [key]);
      const lifetime = keyPurposes[purposeName].maxLifetimeSeconds;
      report(
        io,
        json,
        dir,
        state,
        jwksOf([key]),
        lifetime,
        `${dir} (${purposeName}): a new key folder, current ${key.kid}`,
      );
      return EXIT.ok;
    }

    const ring = loadKeyring(io, dir);
    const purpose = keyPurposes[ring.state.purpose]!;
    const lifetime =
      values['max-lifetime'] === undefined ? purpose.maxLifetimeSeconds : parseLifetime(values['max-lifetime']);

    if (action === 'list') {
      report(
        io,
        json,
        dir,
        ring.state,
        jwksOf(ring.keys),
        lifetime,
        `${dir} (${ring.state.purpose}): ${String(ring.keys.length)} key(s), current ${ring.state.current}`,
      );
      return EXIT.ok;
    }

    if (action === 'rotate') {
      if (ring.keys.length >= maxKeys)
        throw new CliError(
          'USAGE',
          `token keys rotate: ${dir} keeps ${String(maxKeys)} keys, the most a JWK set may hold; retire some first.`,
        );
      const key = newKey(ring.state.purpose, now);
      if (ring.keys.some((k) => k.kid === key.kid))
        throw new CliError('USAGE', `token keys rotate: ${key.kid} exists already; try again in a second.`);
      writeKey(dir, ring.full, key.kid, key.privateKey);
      const previous = ring.state.current;
      const state: Keyring = {
        ...ring.state,
        current: key.kid,
        keys: [
          ...ring.state.keys.map((k) => (k.kid === previous ? { ...k, superseded: now.toISOString() } : k)),
          { kid: key.kid, created: now.toISOString(), superseded: null },
        ],
      };
      const keys = [...ring.keys, key];
      saveKeyring(dir, ring.full, state, keys);
      report(
        io,
        json,
        dir,
        state,
        jwksOf(keys),
        lifetime,
        `${dir} (${state.purpose}): rotated; current ${key.kid}, superseded ${previous}`,
      );
      return EXIT.ok;
    }

    // retire
    const named = values.kid;
    if (named !== undefined) {
      for (const kid of named) {
        const entry = ring.state.keys.find((k) => k.kid === kid);
        if (entry === undefined)
          throw new CliError('USAGE', `token keys retire: ${dir} has no key ${JSON.stringify(kid)}.`);
        if (entry.superseded === null)
          throw new CliError('KEY_IN_USE', `token keys retire: ${kid} is the current key; rotate first.`);
        if (values.force !== true && retirableAt(entry.superseded, lifetime) > now)
          throw new CliError(
            'KEY_IN_USE',
            `token keys retire: tokens ${kid} signed may be live until ${retirableAt(entry.superseded, lifetime).toISOString()}; wait, or pass --force for a compromised key.`,
          );
      }
    }
    const retired = ring.state.keys
      .filter((k) => k.superseded !== null)
      .filter((k) => (named === undefined ? retirableAt(k.superseded!, lifetime) <= now : named.includes(k.kid)))
      .map((k) => k.kid);
    const state: Keyring = { ...ring.state, keys: ring.state.keys.filter((k) => !retired.includes(k.kid)) };
    const keys = ring.keys.filter((k) => !retired.includes(k.kid));
    if (retired.length > 0) saveKeyring(dir, ring.full, state, keys, retired);
    report(
      io,
      json,
      dir,
      state,
      jwksOf(keys),
      lifetime,
      `${dir} (${state.purpose}): retired ${String(retired.length)} key(s); ${String(keys.length)} kept, current ${state.current}`,
      retired,
    );
    return EXIT.ok;
  },
};
