/**
 * `createServiceApp`: a fastify instance with everything a lienthong service shares,
 * each capability a named plugin — errors as problem+json, request tracing, health and
 * readiness, metrics, OpenAPI docs, authentication (bearer access tokens). A service's `buildApp` adds its own plugins.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Static, TSchema } from '@sinclair/typebox';
import { AjvCompiler } from '@fastify/ajv-compiler';
import type { BuildCompilerFromPool } from '@fastify/ajv-compiler';
import Fastify, { LogController } from 'fastify';
import type { FastifyBaseLogger, FastifyInstance, FastifyTypeProvider } from 'fastify';
import { authHook } from './auth.ts';
import type { Authenticate } from './auth.ts';
import { apiDocs, docsPrefix } from './docs.ts';
import { ProblemSchema, serviceErrors } from './errors.ts';
import { healthChecks } from './health.ts';
import type { ReadinessCheck } from './health.ts';
import { createLogger, requestIdOf } from './logger.ts';
import type { Logger } from './logger.ts';
import { httpMetrics } from './metrics.ts';
import { busMetrics, outboxMetrics } from './platform-metrics.ts';
import { problemDetails, sendProblem, toProblem } from './problem-details.ts';
import { requestTracing } from './tracing.ts';
import type { Platform } from './platform.ts';
import type { ServiceConfig } from './service-config.ts';

/**
 * Type provider for `@sinclair/typebox` 0.34 schemas: route handlers get `Static<schema>`
 * for params, body and replies. (@fastify/type-provider-typebox 6 targets `typebox` 1.x.)
 */
export interface TypeBoxTypeProvider extends FastifyTypeProvider {
  validator: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
  serializer: this['schema'] extends TSchema ? Static<this['schema']> : unknown;
}

/** A lienthong service app: fastify with the TypeBox type provider. */
export type ServiceApp = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** Options of `createServiceApp`. */
export interface ServiceAppOptions {
  /** Service name (`intake`), used in logs, metrics labels and the API title. */
  name: string;
  version: string;
  /** `auth` (the token issuer) is required by services; without it every protected route answers 401. */
  config: Pick<ServiceConfig, 'logLevel'> & Partial<Pick<ServiceConfig, 'auth'>>;
  /** The service's connected database, bus and object store: their readiness checks are added, and closing the app closes them. */
  platform?: Platform;
  /** More readiness checks run by `/readyz`. */
  checks?: ReadinessCheck[];
  /** Per-check timeout for `/readyz` (default 2000 ms). */
  readinessTimeoutMs?: number;
  /** Defaults to a pino logger at `config.logLevel` on stdout. */
  logger?: Logger;
  /** Largest accepted request body in bytes (default 1 MiB); routes may set their own. */
  bodyLimit?: number;
  /** Replaces the bearer-token check of `config.auth` (kit tests, other schemes). */
  authenticate?: Authenticate;
  description?: string;
}

const ajvCompilers = AjvCompiler();

/**
 * Validators that coerce where HTTP carries only text (query string, path parameters,
 * headers: `?allowStamp=true` is a boolean) and never in a JSON body, where a number sent for
 * a string (`{ "reason": 5 }`) is a client's mistake to refuse, not to repair.
 */
const buildValidator: BuildCompilerFromPool = (externalSchemas, options) => {
  const text = ajvCompilers(externalSchemas, options);
  const body = ajvCompilers(externalSchemas, {
    ...options,
    customOptions: { ...options?.customOptions, coerceTypes: false },
  } as Parameters<BuildCompilerFromPool>[1]);
  // Fastify calls the compiler with the route's definition ({ schema, httpPart, … }), which its types call a schema.
  const compile = (route: { httpPart?: string }) => (route.httpPart === 'body' ? body : text)(route);
  return compile as ReturnType<BuildCompilerFromPool>;
};

// Probes and scrapes come every few seconds; their request logs would drown the rest.
const probePaths = new Set(['/healthz', '/readyz', '/metrics']);
const isProbe = (request: { url: string }): boolean => probePaths.has(request.url.split('?')[0] ?? '');

/** Builds the shared part of a service; register the service's plugins on the result. */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const logger: FastifyBaseLogger =
    options.logger ?? createLogger({ name: options.name, level: options.config.logLevel });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: options.bodyLimit ?? 1024 * 1024,
    trustProxy: false,
    requestIdHeader: false,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId', disableRequestLogging: isProbe }),
    return503OnClosing: true,
    // A field the schema does not know is an error (additionalProperties: false), not silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    schemaController: { compilersFactory: { buildValidator } },
    // Errors raised before routing (a malformed URL) get the same problem+json as the rest.
    frameworkErrors: (error, request, reply) => {
      const detail = error.code === 'FST_ERR_BAD_URL' ? 'the URL is malformed (bad percent-encoding)' : error.message;
      void sendProblem(reply, toProblem(request, serviceErrors.BAD_REQUEST, detail));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // Every answer is what its content type says (an uploaded image is never sniffed into a page).
    reply.header('x-content-type-options', 'nosniff');
  });
  // What a caller sees with their token (documents, keys, reports) is not for shared caches.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.principal !== null && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    return payload;
  });
  app.addSchema(ProblemSchema);
  await app.register(requestTracing, { serviceName: options.name });
  await app.register(problemDetails);
  await app.register(authHook, {
    publicPrefixes: [docsPrefix],
    ...(options.config.auth === undefined ? {} : { auth: options.config.auth }),
    ...(options.authenticate === undefined ? {} : { authenticate: options.authenticate }),
  });
  await app.register(apiDocs, {
    title: `lienthong ${options.name}`,
    version: options.version,
    ...(options.description === undefined ? {} : { description: options.description }),
  });
  await app.register(httpMetrics, { defaultLabels: { service: options.name } });
  await app.register(healthChecks, {
    checks: [...(options.platform?.checks ?? []), ...(options.checks ?? [])],
    ...(options.readinessTimeoutMs === undefined ? {} : { timeoutMs: options.readinessTimeoutMs }),
  });
  const platform = options.platform;
  if (platform) {
    outboxMetrics(app.metrics.registry, platform.pool);
    if (platform.backlog !== undefined) busMetrics(app.metrics.registry, platform.backlog);
    app.addHook('onClose', () => platform.close());
  }
  return app;
}
