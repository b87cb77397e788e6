/** Entry point: `node services/console/src/server.ts` (configuration from the environment). */
import { ConfigError } from '@lienthong/service';
import { consoleService } from './service.ts';

let config;
try {
  config = consoleService.loadConfig(process.env);
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
}
const app = await consoleService.buildApp(config);
await app.listen({ host: config.host, port: config.port });

let stopping = false;
const stop = (signal: NodeJS.Signals): void => {
  if (stopping) process.exit(1);
  stopping = true;
  app.log.info(`${signal}: shutting down`);
  const timer = setTimeout(() => process.exit(1), config.shutdownTimeoutMs);
  timer.unref();
  app.close().then(
    () => process.exit(0),
    () => process.exit(1),
  );
};
process.on('SIGINT', () => stop('SIGINT'));
process.on('SIGTERM', () => stop('SIGTERM'));
