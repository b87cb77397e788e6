/**
 * Outgoing HTTP calls between services as CLIENT spans (OpenTelemetry HTTP semantic
 * conventions) carrying the W3C `traceparent` of that span, so the callee's server span
 * joins the caller's trace. Without a started SDK the API is a no-op: the call goes out as
 * given, with nothing added.
 */
import { SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';

/**
 * `fetch(url, init)` inside a CLIENT span named `name` (what the call does, e.g. `signing
 * seal`; the method by default), child of the active span, with `traceparent` (and
 * `tracestate`) set in the request headers. The span ends when the response headers arrive
 * (`http.response.status_code`, error status from 500 on) or the call fails (the exception
 * recorded, then rethrown as is).
 */
export async function tracedFetch(url: string | URL, init: RequestInit = {}, name?: string): Promise<Response> {
  const method = (init.method ?? 'GET').toUpperCase();
  const target = new URL(url);
  const span = trace.getTracer('lienthong-http-client').startSpan(name ?? method, {
    kind: SpanKind.CLIENT,
    attributes: {
      'http.request.method': method,
      // Without the query string and any user info: they may carry tokens.
      'url.full': `${target.origin}${target.pathname}`,
      'server.address': target.hostname,
      ...(target.port === '' ? {} : { 'server.port': Number(target.port) }),
    },
  });
  const ctx = trace.setSpan(context.active(), span);
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  let request = init;
  if (Object.keys(carrier).length > 0) {
    const headers = new Headers(init.headers);
    for (const [header, value] of Object.entries(carrier)) headers.set(header, value);
    request = { ...init, headers };
  }
  try {
    const response = await context.with(ctx, () => fetch(url, request));
    span.setAttribute('http.response.status_code', response.status);
    if (response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    return response;
  } catch (err) {
    span.recordException(err instanceof Error ? err : new Error(String(err)));
    span.setStatus({ code: SpanStatusCode.ERROR });
    span.setAttribute('error.type', err instanceof Error ? err.name : typeof err);
    throw err;
  } finally {
    span.end();
  }
}
