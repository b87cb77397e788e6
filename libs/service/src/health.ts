/**
 * Liveness and readiness (the Kubernetes probe contract): `/healthz` answers while the
 * process runs; `/readyz` runs every readiness check (database, bus, object store …),
 * each bounded by a timeout, and answers 503 with the failing ones.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { serviceErrors } from './errors.ts';
import { sendProblem, toProblem } from './problem-details.ts';

/** A named dependency check; resolves when the dependency answers, rejects otherwise. */
export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
  /** Overrides the plugin's per-check timeout. */
  timeoutMs?: number;
}

/** Options of the `healthChecks` plugin. */
export interface HealthOptions {
  checks: ReadinessCheck[];
  /** Per-check timeout (default 2000 ms). */
  timeoutMs?: number;
}

/** The outcome of one readiness check, as listed by `/readyz`. */
export interface CheckResult {
  name: string;
  status: 'ok' | 'fail';
  detail?: string;
}

/** Runs `check` with a deadline; never rejects. */
export async function runCheck(check: ReadinessCheck, timeoutMs: number): Promise<CheckResult> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([check.check(), deadline]);
    return { name: check.name, status: 'ok' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { name: check.name, status: 'fail', detail: message.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

const CheckResultSchema = Type.Object({
  name: Type.String(),
  status: Type.Union([Type.Literal('ok'), Type.Literal('fail')]),
  detail: Type.Optional(Type.String()),
});

const plugin: FastifyPluginAsync<HealthOptions> = async (app, options) => {
  const timeoutMs = options.timeoutMs ?? 2000;
  app.get(
    '/healthz',
    {
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Liveness: 200 while the process runs',
        response: { 200: Type.Object({ status: Type.Literal('ok') }) },
      },
    },
    async () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      config: { public: true },
      schema: {
        tags: ['ops'],
        summary: 'Readiness: 200 when every dependency answers, 503 otherwise',
        response: {
          200: Type.Object({ status: Type.Literal('ok'), checks: Type.Array(CheckResultSchema) }),
          503: Type.Ref('Problem'),
        },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(options.checks.map((c) => runCheck(c, c.timeoutMs ?? timeoutMs)));
      const failing = results.filter((r) => r.status === 'fail');
      if (failing.length === 0) return { status: 'ok' as const, checks: results };
      request.log.warn({ checks: failing }, 'not ready');
      const detail = `failing: ${failing.map((r) => r.name).join(', ')}`;
      return sendProblem(reply, toProblem(request, serviceErrors.NOT_READY, detail, { checks: results }));
    },
  );
};

/** The `/healthz` and `/readyz` routes. */
export const healthChecks = fp(plugin, { name: 'health-checks', fastify: '5.x', dependencies: ['problem-details'] });
