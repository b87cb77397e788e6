/**
 * The options every command that uses the signer's token shares: the module, which token,
 * which key, and where the PIN comes from (an environment variable or the first line of
 * standard input, never the command line). Also how a token's refusal is reported: a wrong
 * or locked PIN, or an operation the token refused, is exit 1, like a service's refusal.
 */
import { passphraseFromEnv } from '../inputs/private-key.ts';
import { CliError, EXIT, isCliError, type CliErrorCode } from '../errors.ts';
import type { CliIo } from '../io.ts';
import type { TokenChoice } from './pkcs11-module.ts';
import type { TokenKeyRef } from './token-objects.ts';

/** parseCommandLine specs of the token options. */
export const tokenOptionSpecs = {
  'token-module': { type: 'string' },
  'token-label': { type: 'string' },
  'token-slot': { type: 'string' },
  'key-label': { type: 'string' },
  'key-id': { type: 'string' },
  'pin-env': { type: 'string' },
  'pin-stdin': { type: 'boolean' },
} as const;

/** The token options as parsed. */
export interface TokenOptionValues {
  'token-module'?: string;
  'token-label'?: string;
  'token-slot'?: string;
  'key-label'?: string;
  'key-id'?: string;
  'pin-env'?: string;
  'pin-stdin'?: boolean;
}

/** Which token (--token-label or --token-slot, not both). */
export function tokenChoice(command: string, values: TokenOptionValues): TokenChoice {
  if (values['token-label'] !== undefined && values['token-slot'] !== undefined)
    throw new CliError('USAGE', `${command}: give --token-label or --token-slot, not both.`);
  if (values['token-slot'] !== undefined && !/^\d{1,20}$/.test(values['token-slot']))
    throw new CliError('USAGE', `${command}: --token-slot must be a slot id as 'lienthong token list' shows it.`);
  return {
    ...(values['token-label'] !== undefined ? { tokenLabel: values['token-label'] } : {}),
    ...(values['token-slot'] !== undefined ? { tokenSlot: values['token-slot'] } : {}),
  };
}

/** Which key (--key-label and/or --key-id HEX; one is required). */
export function keyRef(command: string, values: TokenOptionValues): TokenKeyRef {
  const label = values['key-label'];
  const hex = values['key-id'];
  if (label === undefined && hex === undefined)
    throw new CliError('USAGE', `${command}: name the key with --key-label LABEL or --key-id HEX.`);
  if (hex !== undefined && !/^(?:[0-9a-fA-F]{2}){1,64}$/.test(hex))
    throw new CliError('USAGE', `${command}: --key-id must be the key's CKA_ID in hex (1-64 bytes).`);
  return {
    ...(label !== undefined ? { label } : {}),
    ...(hex !== undefined ? { id: Buffer.from(hex, 'hex') } : {}),
  };
}

/** Reads standard input up to its end or first line break, at most 256 bytes. */
async function firstLineOfStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of process.stdin as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (chunk.includes(0x0a) || length > 256) break;
  }
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0]!;
}

/**
 * The user PIN: from the variable --pin-env names, or the first line of standard input
 * (--pin-stdin). Neither (or both) is a USAGE error, an unset variable PASSPHRASE_MISSING.
 */
export async function tokenPin(command: string, io: CliIo, values: TokenOptionValues): Promise<string> {
  const env = values['pin-env'];
  const stdin = values['pin-stdin'] === true;
  if (env !== undefined && stdin)
    throw new CliError('USAGE', `${command}: give --pin-env VAR or --pin-stdin, not both.`);
  if (env !== undefined) return passphraseFromEnv(io, 'pin-env', env);
  if (!stdin)
    throw new CliError(
      'USAGE',
      `${command}: the token's PIN is needed: --pin-env VAR (a variable holding it) or --pin-stdin; never on the command line.`,
    );
  const pin = await firstLineOfStdin();
  if (pin === '') throw new CliError('USAGE', `${command}: --pin-stdin: standard input holds no PIN.`);
  return pin;
}

/** The codes that are the token's refusal (exit 1), not an unusable command line. */
const REFUSALS: ReadonlySet<CliErrorCode> = new Set(['TOKEN_PIN_INCORRECT', 'TOKEN_PIN_LOCKED', 'TOKEN_FAILED']);

/** Runs `body`, printing a token's refusal (wrong or locked PIN, a failed operation) as exit 1. */
export async function asTokenUser(io: CliIo, json: boolean, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (!isCliError(e) || !REFUSALS.has(e.code)) throw e;
    if (json) io.stdout(`${JSON.stringify({ code: e.code, title: e.title, detail: e.detail }, null, 2)}\n`);
    else io.stderr(`lienthong: ${e.code}: ${e.detail ?? e.title}\n`);
    return EXIT.invalid;
  }
}
