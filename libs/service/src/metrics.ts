/**
 * Prometheus metrics at `/metrics`: the process defaults and the request-duration
 * histogram (method, route, status). Each app has its own registry (`app.metrics.registry`),
 * so services add their own metrics to it and tests can build several apps.
 */
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The metrics registry of the app (`app.metrics`); add service metrics with `registers: [registry]`. */
export interface AppMetrics {
  registry: Registry;
  httpRequestDuration: Histogram<'method' | 'route' | 'status'>;
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: AppMetrics;
  }
}

/** Options of the `httpMetrics` plugin. */
export interface MetricsOptions {
  /** Added to every metric as labels, e.g. `{ service: 'intake' }`. */
  defaultLabels?: Record<string, string>;
}

const plugin: FastifyPluginAsync<MetricsOptions> = async (app, options) => {
  const registry = new Registry();
  if (options.defaultLabels !== undefined) registry.setDefaultLabels(options.defaultLabels);
  collectDefaultMetrics({ register: registry });
  const httpRequestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Duration of HTTP requests, by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  app.decorate('metrics', { registry, httpRequestDuration });

  app.addHook('onResponse', async (request, reply) => {
    // The route template, not the URL, keeps the label set small; unknown URLs share one.
    const route = request.routeOptions.url ?? 'unmatched';
    httpRequestDuration.observe(
      { method: request.method, route, status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });

  app.get(
    '/metrics',
    {
      config: { public: true },
      schema: { tags: ['ops'], summary: 'Prometheus metrics (text exposition format)', hide: false },
    },
    async (_request, reply) => {
      reply.type(registry.contentType);
      return registry.metrics();
    },
  );

  app.addHook('onClose', async () => registry.clear());
};

/** `/metrics` and the request-duration histogram. */
export const httpMetrics = fp(plugin, { name: 'http-metrics', fastify: '5.x' });
