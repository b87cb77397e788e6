/**
 * Traces in tests: a global tracer provider that keeps finished spans in memory, with the
 * AsyncLocalStorage context manager and the W3C Trace Context propagator, as a started SDK
 * (`startTelemetry`) has them. Once per test process: the globals of `@opentelemetry/api`
 * can be set once; `stop` clears them.
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';

export type { ReadableSpan };

/** Started test tracing: the exporter and ways to read what it holds. */
export interface TestTracing {
  exporter: InMemorySpanExporter;
  /** Every finished span so far, in the order they ended. */
  spans(): ReadableSpan[];
  /** The finished spans of one trace, in the order they ended. */
  spansOfTrace(traceId: string): ReadableSpan[];
  /** The finished spans named `name`. */
  spansNamed(name: string): ReadableSpan[];
  /** The finished span whose span id is the parent of `span`, if it ended. */
  parentOf(span: ReadableSpan): ReadableSpan | undefined;
  /** Unregisters the provider, context manager and propagator. */
  stop(): Promise<void>;
}

/** Registers the in-memory tracer provider, context manager and propagator globally. */
export function startTestTracing(): TestTracing {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const contextManager = new AsyncLocalStorageContextManager().enable();
  if (!trace.setGlobalTracerProvider(provider)) throw new Error('a global tracer provider is already set');
  context.setGlobalContextManager(contextManager);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  const spans = (): ReadableSpan[] => exporter.getFinishedSpans();
  return {
    exporter,
    spans,
    spansOfTrace: (traceId) => spans().filter((s) => s.spanContext().traceId === traceId),
    spansNamed: (name) => spans().filter((s) => s.name === name),
    parentOf: (span) => {
      const parent = span.parentSpanContext;
      if (parent === undefined) return undefined;
      return spans().find(
        (s) => s.spanContext().spanId === parent.spanId && s.spanContext().traceId === parent.traceId,
      );
    },
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}
