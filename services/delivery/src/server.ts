/** Entry point: `node services/delivery/src/server.ts` (configuration from the environment). */
import { runDefinedService } from '@lienthong/service';
import { deliveryService } from './service.ts';

await runDefinedService(deliveryService, process.env);
