/** Entry point: `node services/archive/src/server.ts` (configuration from the environment). */
import { runDefinedService } from '@lienthong/service';
import { archiveService } from './service.ts';

await runDefinedService(archiveService, process.env);
