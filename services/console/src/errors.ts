/**
 * The console's error catalogue (documented in services/console/README.md): what the console
 * itself answers under `/api/` and `/session/`; every other problem comes from the service,
 * passed on as it is.
 */
import { defineErrors } from '@lienthong/kit';

export const consoleErrors = defineErrors({
  CONSOLE_SERVICE_UNKNOWN: {
    status: 404,
    title: 'Unknown service',
    detail: 'The console reaches intake, signing, delivery and archive only.',
  },
  CONSOLE_SERVICE_NOT_CONFIGURED: {
    status: 503,
    title: 'Service not configured',
    detail: "The console was started without this service's address.",
  },
  CONSOLE_PATH_REFUSED: {
    status: 400,
    title: 'Path refused',
    detail: "Only a service's /v1/ paths are passed on, without dot segments, backslashes or encoded slashes.",
  },
  CONSOLE_BODY_TOO_LARGE: {
    status: 413,
    title: 'Request body too large',
    detail: 'The body is larger than the console passes on (LIENTHONG_CONSOLE_MAX_BODY_BYTES).',
  },
  CONSOLE_UPSTREAM_UNAVAILABLE: {
    status: 502,
    title: 'Service unreachable',
    detail: 'The service did not answer (refused, reset or timed out).',
  },
});
