/**
 * The messages between a worker pool (worker-pool.ts, the main thread) and its workers
 * (worker-tasks.ts). Everything in them is structured-clone data: no functions, no keys.
 */

/** An error as it crosses the thread boundary: its name, message and, when it has one, its code. */
export interface SerialisedError {
  name: string;
  message: string;
  code?: string;
  /** A catalogue error's per-occurrence detail (`@lienthong/kit` CodedError), when it has one. */
  detail?: string;
  /** Plain data the error carried (e.g. a catalogue error's `extra`), cloned as it is. */
  data?: unknown;
}

/** Main → worker. */
export type ToWorker =
  | { type: 'run'; job: number; task: string; input: unknown }
  | { type: 'reply'; call: number; value: unknown }
  | { type: 'reply-error'; call: number; error: SerialisedError };

/** Worker → main. */
export type FromWorker =
  | { type: 'ready' }
  | { type: 'done'; job: number; value: unknown }
  | { type: 'failed'; job: number; error: SerialisedError }
  | { type: 'call'; job: number; call: number; name: string; args: unknown };

/** The cloneable form of anything thrown. */
export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const { code, detail, extra } = error as { code?: unknown; detail?: unknown; extra?: unknown };
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' ? { code } : {}),
    ...(typeof detail === 'string' ? { detail } : {}),
    ...(extra === undefined ? {} : { data: structuredCloneOrUndefined(extra) }),
  };
}

function structuredCloneOrUndefined(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return undefined;
  }
}
