/**
 * One server span per request (OpenTelemetry HTTP semantic conventions), continuing the
 * caller's W3C `traceparent`. Without a started SDK the API is a no-op and this costs
 * next to nothing. The span's context is the active one for the rest of the request (hooks,
 * handler and what it awaits), as @fastify/otel does it, when the SDK's context manager runs
 * (`startTelemetry`): events written to the outbox and `tracedFetch` calls join the request's
 * trace by themselves. `request.otelContext` holds the same context, for code that runs
 * outside the request's async chain.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Context, Span } from '@opentelemetry/api';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The OpenTelemetry context holding this request's server span. */
    otelContext: Context;
  }
}

const spans = new WeakMap<object, Span>();

/** The W3C `traceparent` of `ctx` (e.g. to store in an event envelope), if it has a span. */
export function traceparentOf(ctx: Context = context.active()): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent;
}

const plugin: FastifyPluginAsync<{ serviceName: string }> = async (app, options) => {
  const tracer = trace.getTracer(`lienthong-${options.serviceName}`);
  app.decorateRequest('otelContext', null as unknown as Context);

  // Callback style: the rest of the request runs inside `context.with`, so later hooks and
  // the handler inherit the span (fastify parses the body in an AsyncResource, which keeps it).
  app.addHook('onRequest', (request, _reply, done) => {
    const parent = propagation.extract(ROOT_CONTEXT, request.headers);
    const route = request.routeOptions.url;
    const span = tracer.startSpan(
      route === undefined ? request.method : `${request.method} ${route}`,
      {
        kind: SpanKind.SERVER,
        attributes: {
          'http.request.method': request.method,
          'url.path': request.url.split('?')[0] ?? request.url,
          ...(route === undefined ? {} : { 'http.route': route }),
          'lienthong.request_id': request.id,
        },
      },
      parent,
    );
    spans.set(request, span);
    request.otelContext = trace.setSpan(parent, span);
    context.with(request.otelContext, done);
  });

  app.addHook('onError', async (request, _reply, error) => {
    spans.get(request)?.recordException(error);
  });

  app.addHook('onResponse', async (request, reply) => {
    const span = spans.get(request);
    if (span === undefined) return;
    span.setAttribute('http.response.status_code', reply.statusCode);
    if (reply.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    span.end();
  });
};

/** A server span per request, parented on the caller's `traceparent`. */
export const requestTracing = fp(plugin, { name: 'request-tracing', fastify: '5.x' });
