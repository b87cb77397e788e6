import { logLevel, type logCreator } from 'kafkajs';
import type { BusLogger } from './logger.ts';

/**
 * Routes kafkajs's own log lines to our logger, dropping everything below `level`
 * (kafkajs is chatty at info: every join, every sync).
 */
export function kafkaLogCreator(logger: BusLogger): logCreator {
  return () => (entry) => {
    const { message, ...extra } = entry.log;
    const fields = { kafka: entry.namespace, ...extra };
    switch (entry.level) {
      case logLevel.ERROR:
      case logLevel.NOTHING:
        logger.error(fields, message);
        break;
      case logLevel.WARN:
        logger.warn(fields, message);
        break;
      case logLevel.INFO:
        logger.info(fields, message);
        break;
      case logLevel.DEBUG:
        logger.debug(fields, message);
        break;
    }
  };
}

/** kafkajs level for a pino-style level name (default `warn`). */
export function kafkaLevelOf(name: 'error' | 'warn' | 'info' | 'debug' = 'warn'): logLevel {
  switch (name) {
    case 'error':
      return logLevel.ERROR;
    case 'warn':
      return logLevel.WARN;
    case 'info':
      return logLevel.INFO;
    case 'debug':
      return logLevel.DEBUG;
  }
}
