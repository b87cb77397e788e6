/**
 * `runService`: what a service's `server.ts` does — load config, start telemetry, build
 * the app, listen, and on SIGINT/SIGTERM shut down within the configured timeout
 * (stop accepting, run the app's onClose hooks, flush telemetry) and exit 0.
 */
import type { FastifyInstance } from 'fastify';
import { ConfigError } from './config.ts';
import type { Env } from './config.ts';
import type { ServiceConfig } from './service-config.ts';
import { startTelemetry } from './telemetry.ts';

/** Options of `runService`: the service and how to configure and build it. */
export interface RunServiceOptions<C extends ServiceConfig> {
  name: string;
  version?: string;
  /** Usually `process.env`; the only place the environment enters. */
  env: Env;
  loadConfig: (env: Env) => C;
  buildApp: (config: C) => Promise<FastifyInstance> | FastifyInstance;
}

/**
 * Runs a service until a signal stops it. Failures to start (bad config: one line on
 * stderr; build or listen errors: logged) set exit code 1. Errors other than
 * `ConfigError` thrown by `loadConfig` propagate.
 */
export async function runService<C extends ServiceConfig>(options: RunServiceOptions<C>): Promise<void> {
  let config: C;
  try {
    config = options.loadConfig(options.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = 1;
    return;
  }

  const telemetry = await startTelemetry({
    serviceName: options.name,
    ...(options.version === undefined ? {} : { serviceVersion: options.version }),
    ...config.telemetry,
  });
  let app: FastifyInstance;
  try {
    app = await options.buildApp(config);
  } catch (error) {
    process.stderr.write(
      `${options.name} failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    await telemetry.shutdown().catch(() => undefined);
    process.exitCode = 1;
    return;
  }
  const stopWithin = async (ms: number): Promise<boolean> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    const closed = (async () => {
      await app.close();
      // An unreachable collector must not turn a clean stop into a failed one.
      await telemetry.shutdown().catch((error: unknown) => app.log.warn({ err: error }, 'telemetry flush failed'));
      return true;
    })();
    try {
      return await Promise.race([closed, late]);
    } finally {
      clearTimeout(timer);
    }
  };

  try {
    await app.listen({
      host: config.host,
      port: config.port,
      listenTextResolver: (address) => `${options.name} listening on ${address} (docs at /docs)`,
    });
  } catch (error) {
    app.log.fatal({ err: error }, `${options.name} could not listen on ${config.host}:${config.port}`);
    await stopWithin(config.shutdownTimeoutMs).catch(() => false);
    process.exit(1);
  }

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      app.log.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    app.log.info(`${signal}: shutting down (at most ${config.shutdownTimeoutMs} ms)`);
    stopWithin(config.shutdownTimeoutMs).then(
      (clean) => {
        if (!clean) {
          app.log.error(`shutdown took longer than ${config.shutdownTimeoutMs} ms; exiting`);
          process.exit(1);
        }
        app.log.info(`${options.name} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}
