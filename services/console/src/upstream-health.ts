/**
 * The console's readiness: every service it was given a URL for answers its own `/healthz`.
 * Only liveness is asked of a service, not its `/readyz`: a service that is up but not ready
 * is taken out of its own Service by its probes, and the console's pages then show that
 * service's 502/503 where it is needed, while the others keep working.
 */
import type { ReadinessCheck } from '@lienthong/service';
import type { ConsoleConfig } from './config.ts';
import { proxiedServices } from './config.ts';

/** How long a service may take to answer its `/healthz` before the console is not ready. */
export const upstreamHealthTimeoutMs = 2000;

/** One readiness check per configured service: `GET <origin>/healthz` answers 2xx. */
export function upstreamChecks(config: Pick<ConsoleConfig, 'upstreams'>): ReadinessCheck[] {
  return proxiedServices.flatMap((name) => {
    const origin = config.upstreams[name];
    if (origin === undefined) return [];
    return [
      {
        name,
        timeoutMs: upstreamHealthTimeoutMs,
        check: async () => {
          const response = await fetch(`${origin}/healthz`, {
            redirect: 'manual',
            signal: AbortSignal.timeout(upstreamHealthTimeoutMs),
          }).catch((error: unknown) => {
            throw new Error(`${name} is unreachable (${(error as Error).name})`);
          });
          await response.body?.cancel();
          if (!response.ok) throw new Error(`${name} /healthz answered ${response.status}`);
        },
      },
    ];
  });
}
