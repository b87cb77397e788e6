/**
 * What a command may touch of its process: output streams, the working
 * directory, and the environment. Only the `--…-env VAR` options read `env` (only the
 * variable named), plus LIENTHONG_CONFIG (client commands without `--config`) and
 * LIENTHONG_KAFKA_BROKERS (`dlq` commands without `--brokers`).
 */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A command: its name as typed, a one-line summary, its help text and its body. */
export interface Command {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  run(args: readonly string[], io: CliIo): Promise<number>;
}
