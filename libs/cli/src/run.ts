import { isPkiError } from '@lienthong/pki';
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
import { CliError, EXIT, isCliError } from './errors.ts';
import type { CliIo, Command } from './io.ts';
import { groupUsage, mainUsage } from './usage.ts';

const groups: ReadonlyMap<string, ReadonlyMap<string, Command>> = new Map([
  ['pki', PKI_COMMANDS],
  ['pdf', PDF_COMMANDS],
  ['token', TOKEN_COMMANDS],
  ['directory', DIRECTORY_COMMANDS],
  ['doc', DOC_COMMANDS],
  ['register', REGISTER_COMMANDS],
  ['inbox', INBOX_COMMANDS],
  ['delivery', DELIVERY_COMMANDS],
  ['dlq', DLQ_COMMANDS],
  ['audit', AUDIT_COMMANDS],
  ['archive', ARCHIVE_COMMANDS],
  ['ca', CA_COMMANDS],
  ['key', KEY_COMMANDS],
]);

const isHelp = (a: string | undefined): boolean => a === '--help' || a === '-h' || a === 'help';

function unknown(what: string, hint: string): never {
  throw new CliError('USAGE', `unknown ${what}. Run '${hint} --help'.`);
}

function resolve(
  args: readonly string[],
): { command: Command; rest: readonly string[] } | { usage: string; exit: number } {
  const [first, second, ...rest] = args;
  if (first === undefined) return { usage: mainUsage(), exit: EXIT.unusable };
  if (isHelp(first) && second === undefined) return { usage: mainUsage(), exit: EXIT.ok };
  if (first === 'help') return resolve([...[second!, ...rest], '--help']);
  const group = groups.get(first);
  if (group !== undefined) {
    if (second === undefined) return { usage: groupUsage(first, group), exit: EXIT.unusable };
    if (isHelp(second)) return { usage: groupUsage(first, group), exit: EXIT.ok };
    const command = group.get(second) ?? unknown(`command "${first} ${second}"`, `lienthong ${first}`);
    return { command, rest };
  }
  const command =
    TOP_COMMANDS.get(first) ?? unknown(first.startsWith('-') ? `option "${first}"` : `command "${first}"`, 'lienthong');
  return { command, rest: second === undefined ? [] : [second, ...rest] };
}

/**
 * Runs the lienthong command line `args` (without the program name) and
 * returns the exit status: 0 done or valid, 1 a negative verdict, 2 unusable
 * input. Errors are printed as one line on stderr: `lienthong: CODE: detail`.
 */
export async function run(args: readonly string[], io: CliIo): Promise<number> {
  try {
    const target = resolve(args);
    if ('usage' in target) {
      (target.exit === EXIT.ok ? io.stdout : io.stderr)(target.usage);
      return target.exit;
    }
    // Every command answers -h/--help with its usage, whatever else is on the line.
    if (target.rest.some((a) => a === '--help' || a === '-h')) {
      io.stdout(target.command.usage);
      return EXIT.ok;
    }
    return await target.command.run(target.rest, io);
  } catch (e) {
    if (isCliError(e)) io.stderr(`lienthong: ${e.code}: ${e.detail ?? e.title}\n`);
    else if (isPkiError(e)) io.stderr(`lienthong: PKI_ERROR: ${e.code}: ${e.message}\n`);
    else io.stderr(`lienthong: unexpected error: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.unusable;
  }
}
