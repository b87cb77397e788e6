/** Test settings: the only place these tests read the environment. */
export const testDatabaseUrl =
  process.env.LIENTHONG_TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:55432/lienthong';
