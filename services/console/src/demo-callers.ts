/**
 * The demo callers of `npm start` (embedded mode only): a JSON file the suite writes,
 * `{ "callers": [{ office, role, name, subject, token }] }`, read once at start and served at
 * `GET /session/demo-callers` so the sign-in page can offer a chooser. Without
 * `LIENTHONG_CONSOLE_DEMO_CALLERS_FILE` the route does not exist: a real deployment signs in
 * with its identity provider's tokens only.
 */
import { readFile } from 'node:fs/promises';
import type { FastifyInstance } from 'fastify';
import { Type } from '@lienthong/service';
import type { Static } from '@lienthong/service';
import { Value } from '@sinclair/typebox/value';

const code = Type.String({ minLength: 1, maxLength: 64 });

/** One demo caller: who they are and the access token the suite made for them. */
export const DemoCaller = Type.Object({
  office: code,
  role: code,
  name: Type.String({ minLength: 1, maxLength: 200 }),
  subject: Type.String({ minLength: 1, maxLength: 200 }),
  token: Type.String({ minLength: 1, maxLength: 8192 }),
});

/** The demo callers' file. */
export const DemoCallersFile = Type.Object({ callers: Type.Array(DemoCaller, { maxItems: 10_000 }) });

/** The file's content, as served. */
export type DemoCallers = Static<typeof DemoCallersFile>;

/** Reads and checks the file; a malformed one stops the start with a clear message. */
export async function readDemoCallers(path: string): Promise<DemoCallers> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new Error(`LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: cannot read ${path}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  if (!Value.Check(DemoCallersFile, parsed)) {
    const first = [...Value.Errors(DemoCallersFile, parsed)][0];
    throw new Error(
      `LIENTHONG_CONSOLE_DEMO_CALLERS_FILE: ${path} is not { callers: [{ office, role, name, subject, token }] } (${first?.path ?? ''} ${first?.message ?? ''})`,
    );
  }
  return parsed;
}

/**
 * `GET /session/demo-callers`: the chooser's list (never cached), or 204 and nothing in a
 * console without one (a real deployment): the sign-in page asks on every load, and a 404
 * there would be an error in every browser's console.
 */
export async function demoCallersRoute(
  app: FastifyInstance,
  options: { callers: DemoCallers | undefined },
): Promise<void> {
  app.get('/session/demo-callers', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    if (options.callers === undefined) return reply.code(204).send();
    return options.callers;
  });
}
