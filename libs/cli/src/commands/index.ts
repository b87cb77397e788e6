import type { Command } from '../io.ts';
import { caCommand } from './ca.ts';
import { crlCommand } from './crl.ts';
import { issueCommand } from './issue.ts';
import { tokenIssueCommand, tokenJwksCommand, tokenKeygenCommand } from './token.ts';
import { verifyChainCommand } from './verify-chain.ts';
import { verifyCommand } from './verify.ts';

/** Top-level commands (`lienthong NAME`). */
export const TOP_COMMANDS: ReadonlyMap<string, Command> = new Map([['verify', verifyCommand]]);

/** Commands of the `pki` group (`lienthong pki NAME`). */
export const PKI_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['verify-chain', verifyChainCommand],
  ['ca', caCommand],
  ['issue', issueCommand],
  ['crl', crlCommand],
]);

/** Commands of the `token` group (`lienthong token NAME`): access tokens. */
export const TOKEN_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['keygen', tokenKeygenCommand],
  ['jwks', tokenJwksCommand],
  ['issue', tokenIssueCommand],
]);
