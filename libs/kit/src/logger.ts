/**
 * The slice of a pino logger the libraries write to. A pino `Logger` fits; so does a test
 * double that records lines. Libraries take one as an option and default to `silentLogger`.
 */
export interface LibLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

/** A logger that drops everything; the default when none is given. */
export const silentLogger: LibLogger = Object.freeze({ debug: noop, info: noop, warn: noop, error: noop });
