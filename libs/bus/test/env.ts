/** Test settings: the only place these tests read the environment. */
export const testDatabaseUrl =
  process.env.LIENTHONG_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:55432/lienthong';

/** Kafka bootstrap brokers for tests, comma-separated in the environment. */
export const testKafkaBrokers = (process.env.LIENTHONG_TEST_KAFKA_BROKERS || '127.0.0.1:59092')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b.length > 0);
