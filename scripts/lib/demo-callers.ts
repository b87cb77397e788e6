/**
 * The demo callers of `npm start`: every person of intake's demo directory (16 offices, one
 * caller for every role in each), each with an access token for every service and a client
 * configuration for the `lienthong` command at <data>/cli/<office code>/<role>.json (0600),
 * and the directory itself, imported into the running intake service by the demo office's
 * directory administrator (idempotent: a second start changes nothing).
 */
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { demoCallers, demoDirectory, type DemoCaller } from '@lienthong/intake';
import { serviceAudience, signAccessToken } from '@lienthong/service';

/** How tokens are made: the embedded issuer's key, the services' names, the lifetime. */
export interface DemoTokenIssuer {
  privateKey: string;
  kid: string;
  services: readonly string[];
  lifetimeSeconds: number;
}

/** A caller of the demo directory with their token. */
export interface DemoCallerToken extends DemoCaller {
  token: string;
}

/** Tokens for every demo caller, for every service. */
export function demoCallerTokens(issuer: DemoTokenIssuer): DemoCallerToken[] {
  const now = Math.floor(Date.now() / 1000);
  return demoCallers().map((caller) => ({
    ...caller,
    token: signAccessToken(
      {
        iss: 'lienthong',
        aud: issuer.services.map(serviceAudience),
        sub: caller.subject,
        office: caller.office,
        roles: [caller.role],
        name: caller.name,
        iat: now,
        exp: now + issuer.lifetimeSeconds,
      },
      { privateKey: issuer.privateKey, kid: issuer.kid },
    ),
  }));
}

/** Writes <dataDir>/cli/<office>/<role>.json for every caller: the services' endpoints and the caller's token. */
export async function writeCallerConfigs(
  dataDir: string,
  callers: readonly DemoCallerToken[],
  endpoints: Record<string, string>,
): Promise<string> {
  const cliDir = join(dataDir, 'cli');
  for (const caller of callers) {
    const dir = join(cliDir, caller.office);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const file = join(dir, `${caller.role}.json`);
    await writeFile(file, `${JSON.stringify({ endpoints, token: caller.token }, null, 2)}\n`, { mode: 0o600 });
    await chmod(file, 0o600);
  }
  return cliDir;
}

/** Imports the demo directory into intake at `intakeUrl` with `adminToken` (a directory-admin of VPTU-DEMO). */
export async function seedDemoDirectory(intakeUrl: string, adminToken: string): Promise<void> {
  const response = await fetch(`${intakeUrl}/v1/directory/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(demoDirectory()),
  });
  if (!response.ok) throw new Error(`directory import: ${response.status} ${await response.text()}`);
}
