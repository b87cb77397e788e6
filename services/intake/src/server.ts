/** Entry point: `node services/intake/src/server.ts` (configuration from the environment). */
import { runDefinedService } from '@lienthong/service';
import { intakeService } from './service.ts';

await runDefinedService(intakeService, process.env);
