// Public API of @lienthong/cli: the command runner, for embedding and tests.
export { run } from './run.ts';
export { cliErrors, CliError, EXIT, isCliError, type CliErrorCode, type ExitCode } from './errors.ts';
export type { CliIo, Command } from './io.ts';
export { parseDistinguishedName } from './distinguished-name.ts';
