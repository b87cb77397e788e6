/**
 * OpenTelemetry SDK start-up (traces and metrics). With both exporters 'none' nothing is
 * loaded at all. The SDK is configured explicitly: it does not pick exporters from
 * OTEL_* variables, so `LIENTHONG_OTEL_*` alone decide.
 */
import type { TelemetryConfig } from './service-config.ts';

/** What `startTelemetry` needs: the service identity and the exporters. */
export interface TelemetryOptions extends TelemetryConfig {
  serviceName: string;
  serviceVersion?: string;
  /** Metric export interval (default 60 s). */
  metricsIntervalMs?: number;
}

/** A started SDK. */
export interface Telemetry {
  /** Flushes and stops the exporters; rejects when a final export fails. */
  shutdown(): Promise<void>;
}

/** Starts the SDK and registers it with `@opentelemetry/api`. */
export async function startTelemetry(options: TelemetryOptions): Promise<Telemetry> {
  if (options.tracesExporter === 'none' && options.metricsExporter === 'none') {
    return { shutdown: async () => {} };
  }
  const [{ NodeSDK }, trace, resources, semconv] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/semantic-conventions'),
  ]);
  const base = options.endpoint?.replace(/\/+$/, '');
  const spanProcessors = [];
  switch (options.tracesExporter) {
    case 'none':
      break;
    case 'console':
      spanProcessors.push(new trace.SimpleSpanProcessor({ exporter: new trace.ConsoleSpanExporter() }));
      break;
    case 'otlp': {
      const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-http');
      const exporter = new OTLPTraceExporter(base === undefined ? {} : { url: `${base}/v1/traces` });
      spanProcessors.push(new trace.BatchSpanProcessor({ exporter }));
      break;
    }
  }
  const metricReaders = [];
  if (options.metricsExporter === 'otlp') {
    const [{ OTLPMetricExporter }, { PeriodicExportingMetricReader }] = await Promise.all([
      import('@opentelemetry/exporter-metrics-otlp-http'),
      import('@opentelemetry/sdk-metrics'),
    ]);
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter(base === undefined ? {} : { url: `${base}/v1/metrics` }),
        exportIntervalMillis: options.metricsIntervalMs ?? 60_000,
      }),
    );
  }
  const sdk = new NodeSDK({
    autoDetectResources: false,
    resource: resources.defaultResource().merge(
      resources.resourceFromAttributes({
        [semconv.ATTR_SERVICE_NAME]: options.serviceName,
        ...(options.serviceVersion === undefined ? {} : { [semconv.ATTR_SERVICE_VERSION]: options.serviceVersion }),
      }),
    ),
    spanProcessors,
    metricReaders,
    logRecordProcessors: [],
    instrumentations: [],
  });
  sdk.start();
  return { shutdown: () => sdk.shutdown() };
}
