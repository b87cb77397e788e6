/**
 * The slice of a pino logger this package writes to. A pino `Logger` fits; so does a
 * test double that records lines.
 */
export interface BusLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** A logger that drops everything; the default when none is given. */
export const silentLogger: BusLogger = { debug: noop, info: noop, warn: noop, error: noop };
