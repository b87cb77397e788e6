/** Entry point: `node services/signing/src/server.ts` (configuration from the environment). */
import { runDefinedService } from '@lienthong/service';
import { signingService } from './service.ts';

await runDefinedService(signingService, process.env);
