import t from 'tap';
import { testEnv } from '../../../test/support/env.ts';
import { runS3Suite } from './s3-suite.ts';

// MinIO: infra/local's first S3 implementation.
runS3Suite(t, { ...testEnv.s3, legalHoldAfterRetention: 'blocks' });
