/**
 * Spans of the bus (OpenTelemetry messaging semantic conventions): a PRODUCER span
 * `publish <topic>` per event published, whose W3C `traceparent` travels in the message
 * headers, and a CONSUMER span `process <topic>` per delivery to a handler, parented on
 * that header, inside which the handler runs (so the events it writes to its outbox carry
 * the same trace). Without a started SDK the API's tracer and propagator are no-ops and all
 * this costs a few allocations per event.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, context, propagation, trace } from '@opentelemetry/api';
import type { Attributes, Context, Link, Span, SpanContext } from '@opentelemetry/api';
import { messageOf } from './errors.ts';
import type {
  BatchHandler,
  BatchInfo,
  DeliveryInfo,
  EventEnvelope,
  EventHandler,
  OutgoingEvent,
  SubscribeOptions,
} from './types.ts';

/** `messaging.system` of a transport: Kafka, or the Postgres log of embedded mode. */
export type MessagingSystem = 'kafka' | 'postgres-log';

const tracerName = 'lienthong-bus';

/**
 * The W3C `traceparent` of the active context (the request or consumer span the caller runs
 * in), or undefined when there is no span or no propagator (no SDK started).
 */
export function activeTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context of `traceparent` when it is a valid W3C value, else undefined (never throws). */
function contextOf(carrier: Readonly<Record<string, string>> | undefined): Context | undefined {
  if (carrier?.traceparent === undefined) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, carrier);
  return trace.getSpanContext(extracted) === undefined ? undefined : extracted;
}

/**
 * Where a message's consumer span hangs: the `traceparent` header (the publish span), else
 * the envelope's own `traceparent`, else nowhere (a new trace). A malformed value is ignored.
 */
export function messageContext(envelope: EventEnvelope, headers?: Readonly<Record<string, string>>): Context {
  return (
    contextOf(headers) ??
    contextOf(envelope.traceparent === undefined ? undefined : { traceparent: envelope.traceparent }) ??
    ROOT_CONTEXT
  );
}

function failed(span: Span, err: unknown): void {
  span.recordException(err instanceof Error ? err : new Error(String(err)));
  span.setStatus({ code: SpanStatusCode.ERROR, message: messageOf(err).slice(0, 500) });
  const code = (err as { code?: unknown } | null)?.code;
  span.setAttribute('error.type', typeof code === 'string' ? code : err instanceof Error ? err.name : typeof err);
}

/**
 * Publishes `events` inside one PRODUCER span each, `publish <topic>`, parented on the
 * envelope's `traceparent` (the span that wrote the event, e.g. the request that wrote the
 * outbox row) or, without one, on the active context. `send` gets each event's headers with
 * `traceparent` set to its publish span, so consumers hang below the publish.
 */
export async function tracePublish<T extends { headers: Record<string, string> }>(
  system: MessagingSystem,
  events: readonly OutgoingEvent[],
  encoded: readonly T[],
  send: (encoded: T[]) => Promise<void>,
): Promise<void> {
  const tracer = trace.getTracer(tracerName);
  const spans = events.map((event) =>
    tracer.startSpan(
      `publish ${event.topic}`,
      {
        kind: SpanKind.PRODUCER,
        attributes: {
          'messaging.system': system,
          'messaging.operation.type': 'send',
          'messaging.operation.name': 'publish',
          'messaging.destination.name': event.topic,
          'messaging.message.id': event.envelope.id,
          'lienthong.event.type': event.envelope.type,
          ...(system === 'kafka' ? { 'messaging.kafka.message.key': event.key } : {}),
        },
      },
      event.envelope.traceparent === undefined
        ? context.active()
        : (contextOf({ traceparent: event.envelope.traceparent }) ?? ROOT_CONTEXT),
    ),
  );
  const withHeaders = encoded.map((e, i) => {
    const headers = { ...e.headers };
    propagation.inject(trace.setSpan(ROOT_CONTEXT, spans[i]!), headers);
    return { ...e, headers };
  });
  try {
    await send(withHeaders);
  } catch (err) {
    for (const span of spans) failed(span, err);
    throw err;
  } finally {
    for (const span of spans) span.end();
  }
}

function consumerAttributes(
  system: MessagingSystem,
  group: string,
  topic: string,
  attempt: number,
  extra: Attributes,
): Attributes {
  return {
    'messaging.system': system,
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': topic,
    'messaging.consumer.group.name': group,
    'lienthong.delivery.attempt': attempt,
    ...extra,
  };
}

function messageAttributes(event: EventEnvelope, info: DeliveryInfo | undefined): Attributes {
  return {
    'messaging.message.id': event.id,
    'lienthong.event.type': event.type,
    ...(info?.partition === undefined ? {} : { 'messaging.destination.partition.id': String(info.partition) }),
    ...(info === undefined ? {} : { 'lienthong.delivery.position': info.position }),
  };
}

/** Runs `work` as the active span `span` (below `parent`), recording a failure on `span` and `others`. */
async function runIn(span: Span, parent: Context, work: () => Promise<void>, others: Span[] = []): Promise<void> {
  try {
    await context.with(trace.setSpan(parent, span), work);
  } catch (err) {
    for (const s of [span, ...others]) failed(s, err);
    throw err;
  } finally {
    for (const s of [span, ...others]) s.end();
  }
}

function traceHandler(system: MessagingSystem, group: string, handler: EventHandler): EventHandler {
  return (event, info) => {
    const parent = messageContext(event, info.headers);
    const span = trace.getTracer(tracerName).startSpan(
      `process ${info.topic}`,
      {
        kind: SpanKind.CONSUMER,
        attributes: consumerAttributes(system, group, info.topic, info.attempt, messageAttributes(event, info)),
      },
      parent,
    );
    return runIn(span, parent, () => handler(event, info));
  };
}

/**
 * A batch runs in one CONSUMER span `process <topic>` linked to every message's context. It
 * hangs below the first message when all the messages are of one trace (the usual case: the
 * events of one document), else it starts a trace of its own and each message whose trace it
 * is not in gets its own `process <topic>` span below the message, linked to the batch span,
 * so every message's trace holds a consumer span of the group. The handler runs in the batch
 * span: what it writes to its outbox continues the batch span's trace.
 */
function traceBatchHandler(system: MessagingSystem, group: string, handleBatch: BatchHandler): BatchHandler {
  return (events, info: BatchInfo) => {
    if (events.length === 1) {
      const delivery = info.deliveries[0]!;
      return traceHandler(system, group, () => handleBatch(events, info))(events[0]!, delivery);
    }
    const tracer = trace.getTracer(tracerName);
    const parents = events.map((event, i) => messageContext(event, info.deliveries[i]?.headers));
    const contexts = parents.map((p) => trace.getSpanContext(p));
    const links: Link[] = contexts.filter((c): c is SpanContext => c !== undefined).map((c) => ({ context: c }));
    const firstTrace = contexts[0]?.traceId;
    const oneTrace = firstTrace !== undefined && contexts.every((c) => c?.traceId === firstTrace);
    const batchParent = oneTrace ? parents[0]! : ROOT_CONTEXT;
    const span = tracer.startSpan(
      `process ${info.topic}`,
      {
        kind: SpanKind.CONSUMER,
        links,
        attributes: consumerAttributes(system, group, info.topic, info.attempt, {
          'messaging.batch.message_count': events.length,
          'messaging.destination.partition.id': String(info.partition),
        }),
      },
      batchParent,
    );
    const own: Span[] = [];
    if (!oneTrace && span.isRecording()) {
      events.forEach((event, i) => {
        own.push(
          tracer.startSpan(
            `process ${info.topic}`,
            {
              kind: SpanKind.CONSUMER,
              links: [{ context: span.spanContext() }],
              attributes: consumerAttributes(
                system,
                group,
                info.topic,
                info.attempt,
                messageAttributes(event, info.deliveries[i]),
              ),
            },
            parents[i],
          ),
        );
      });
    }
    return runIn(span, batchParent, () => handleBatch(events, info), own);
  };
}

/** `options` with its handler (of events or of batches) running in consumer spans. */
export function traceSubscription(system: MessagingSystem, options: SubscribeOptions): SubscribeOptions {
  if (options.handleBatch !== undefined) {
    return { ...options, handleBatch: traceBatchHandler(system, options.group, options.handleBatch) };
  }
  return { ...options, handler: traceHandler(system, options.group, options.handler) };
}
