/** Test settings for the real services; the one place tests read the environment. */
export const s3Endpoint = process.env.LIENTHONG_TEST_S3_ENDPOINT || 'http://127.0.0.1:59000';
export const s3AccessKey = process.env.LIENTHONG_TEST_S3_ACCESS_KEY || 'lienthong';
export const s3SecretKey = process.env.LIENTHONG_TEST_S3_SECRET_KEY || 'lienthong-secret';
