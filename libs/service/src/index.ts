/**
 * @lienthong/service — what every lienthong service shares: config, logging, telemetry,
 * errors (RFC 9457), health, metrics, docs and access-token authentication.
 */
export { Type } from '@sinclair/typebox';
export type { Static, TObject, TSchema } from '@sinclair/typebox';
export { ConfigError, describeExpected, loadConfig } from './config.ts';
export type { ConfigProblem, ConfigVariableOptions, Env } from './config.ts';
export { baseConfigSchema, loadServiceConfig, serviceConfigSchema, toServiceConfig } from './service-config.ts';
export type {
  BaseEnv,
  EmbeddedModeConfig,
  LogLevel,
  RealModeConfig,
  S3Config,
  ServiceConfig,
  TelemetryConfig,
} from './service-config.ts';
export { AppError, ProblemSchema, defineErrors, problemTypeBase, serviceErrors } from './errors.ts';
export type { AppErrorOptions, ErrorCatalogue, ErrorDefinition, ErrorSpec } from './errors.ts';
export { problemDetails, sendProblem, toProblem } from './problem-details.ts';
export type { FieldProblem, Problem } from './problem-details.ts';
export { createLogger, redactPaths, requestIdOf } from './logger.ts';
export type { Logger, LoggerOptions } from './logger.ts';
export { healthChecks, runCheck } from './health.ts';
export type { CheckResult, HealthOptions, ReadinessCheck } from './health.ts';
export { httpMetrics } from './metrics.ts';
export type { AppMetrics, MetricsOptions } from './metrics.ts';
export { busMetrics, outboxMetrics, watchConsumers } from './platform-metrics.ts';
export type { PlatformBacklog, WatchedConsumer } from './platform-metrics.ts';
export { scrapeRead, scrapeReadTimeoutMs } from './scrape-read.ts';
export { apiDocs } from './docs.ts';
export type { ApiDocsOptions } from './docs.ts';
export { authHook, bearerTokenAuthenticator, principalOf, requireRole, roles } from './auth.ts';
export type { AuthOptions, Authenticate, Principal, RouteAuthenticate } from './auth.ts';
export {
  AccessTokenError,
  clockSkewSeconds,
  defaultMaxLifetimeSeconds,
  maxLifetimeLimitSeconds,
  maxTokenLength,
  serviceAudience,
  parseJwks,
  publicJwks,
  signAccessToken,
  verifyAccessToken,
  accessTokenVerifier,
  verifiedTokenCacheSize,
} from './access-token.ts';
export type {
  AccessClaims,
  AccessTokenAlgorithm,
  AccessTokenRequest,
  AccessTokenRule,
  AccessTokenSigningKey,
  AuthConfig,
  AuthKey,
  AuthKeySet,
} from './access-token.ts';
export { requestTracing, traceparentOf } from './tracing.ts';
export { tracedFetch } from './traced-fetch.ts';
export { startTelemetry } from './telemetry.ts';
export type { Telemetry, TelemetryOptions } from './telemetry.ts';
export { createServiceApp } from './app.ts';
export type { ServiceApp, ServiceAppOptions, TypeBoxTypeProvider } from './app.ts';
export { runService } from './server.ts';
export type { RunServiceOptions } from './server.ts';
export { connectPlatform, embeddedBusSchema } from './platform.ts';
export type { Platform, PlatformOptions } from './platform.ts';
export { connectService, runDefinedService } from './service-definition.ts';
export type { ServiceDefinition, ServiceDeps } from './service-definition.ts';
export { WorkerPoolError, WorkerTaskError, createWorkerPool, workerPoolMetrics } from './worker-pool.ts';
export type { WorkerCalls, WorkerPool, WorkerPoolOptions, WorkerPoolRefusal, WorkerPoolStats } from './worker-pool.ts';
