/**
 * Error catalogues. Each package defines one catalogue of stable codes with `defineErrors`
 * and one error class over it with `errorClass`; every error a package throws on purpose
 * is a `CodedError` carrying its code, the HTTP status a service answers with if the error
 * reaches a request handler, a short title and this occurrence's detail. `@lienthong/service`
 * maps any `CodedError` to `application/problem+json` (RFC 9457).
 */

/** One entry of a catalogue: the HTTP status, a short title, an optional default detail. */
export interface ErrorSpec {
  status: number;
  title: string;
  detail?: string;
}

/** A catalogue entry with its code filled in. */
export interface ErrorDefinition<C extends string = string> extends ErrorSpec {
  code: C;
}

/** A catalogue as `defineErrors` returns it: each code maps to its frozen definition. */
export type ErrorCatalogue<T extends Record<string, ErrorSpec> = Record<string, ErrorSpec>> = {
  readonly [K in keyof T & string]: ErrorDefinition<K> & T[K];
};

/** The codes of a catalogue: `type BusErrorCode = CodeOf<typeof busErrors>`. */
export type CodeOf<T> = keyof T & string;

const codePattern = /^[A-Z][A-Z0-9_]*$/;

/**
 * Defines a catalogue of error codes. Codes are UPPER_SNAKE_CASE and stable: clients,
 * dashboards and tests key on them. Statuses are 4xx or 5xx. The result is frozen.
 * @example const errors = defineErrors({ DOCUMENT_NOT_FOUND: { status: 404, title: 'Document not found' } });
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(specs: T): ErrorCatalogue<T> {
  const catalogue: Record<string, ErrorDefinition> = {};
  for (const [code, spec] of Object.entries(specs)) {
    if (!codePattern.test(code)) throw new Error(`error code ${code} is not UPPER_SNAKE_CASE`);
    if (!Number.isInteger(spec.status) || spec.status < 400 || spec.status > 599) {
      throw new Error(`error code ${code} has status ${spec.status}, not 4xx/5xx`);
    }
    if (typeof spec.title !== 'string' || spec.title.length === 0) throw new Error(`error code ${code} has no title`);
    catalogue[code] = Object.freeze({ ...spec, code });
  }
  return Object.freeze(catalogue) as ErrorCatalogue<T>;
}

/** Per-occurrence parts of a `CodedError`. */
export interface CodedErrorOptions {
  /** This occurrence in words (which file, key, field); defaults to the catalogue's detail. */
  detail?: string;
  /** Extension members for the problem document (RFC 9457 §3.2), e.g. `{ documentId }`. */
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * An error with a catalogue code. `message` is `title` or `title: detail`; `name` is the
 * class's name (`BusError`, `AppError`, …).
 */
export class CodedError<C extends string = string> extends Error {
  readonly code: C;
  readonly status: number;
  readonly title: string;
  readonly detail: string | undefined;
  readonly extra: Record<string, unknown>;

  constructor(definition: ErrorDefinition<C>, options: CodedErrorOptions = {}) {
    const detail = options.detail ?? definition.detail;
    super(
      detail === undefined ? definition.title : `${definition.title}: ${detail}`,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.name = new.target.name || 'CodedError';
    this.code = definition.code;
    this.status = definition.status;
    this.title = definition.title;
    this.detail = detail;
    this.extra = options.extra ?? {};
  }
}

/** True when `e` is an error of any catalogue. */
export function isCodedError(e: unknown): e is CodedError {
  return e instanceof CodedError;
}

/** What a catalogue error takes besides its code and detail. */
export interface CatalogueErrorOptions {
  extra?: Record<string, unknown>;
  cause?: unknown;
}

/**
 * The base class of a package's error over `catalogue`, constructed as
 * `new XError(code, detail?, { extra?, cause? })`. Subclass it to name it (and to add
 * fields): `export class BusError extends errorClass(busErrors) {}`.
 */
export function errorClass<const T extends Readonly<Record<string, ErrorDefinition>>>(catalogue: T) {
  return class CatalogueError extends CodedError<CodeOf<T>> {
    /** The catalogue this class raises codes of. */
    static readonly catalogue: T = catalogue;

    constructor(code: CodeOf<T>, detail?: string, options: CatalogueErrorOptions = {}) {
      const definition = catalogue[code] as ErrorDefinition<CodeOf<T>> | undefined;
      if (definition === undefined) throw new TypeError(`${String(code)} is not a code of this catalogue`);
      super(definition, { ...options, detail });
    }
  };
}

/**
 * The type guard of an error class: `export const isBusError = errorGuard(BusError)`, then
 * `isBusError(e)` or `isBusError(e, 'BUS_CLOSED')` (which narrows `e.code`).
 */
export function errorGuard<E extends CodedError>(cls: abstract new (...args: never[]) => E) {
  return <C extends E['code']>(e: unknown, code?: C): e is E & { readonly code: C } =>
    e instanceof cls && (code === undefined || e.code === code);
}

/** The message of any thrown value, for logs and dead-letter reasons. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
