/**
 * Personal keys the way the registration authority issues them, for the tests that need one:
 * a CA administrator of the office records the person (name and title), the person asks for
 * a key with their PIN, and another CA administrator of the office approves the request.
 */
import type { ServiceApp } from '@lienthong/service';
import { authHeader } from '../../../test/support/auth.ts';
import type { TestCaller } from '../../../test/support/auth.ts';

/** A signer of a test office: who they are in their token, and the title their office records. */
export interface TestSigner extends TestCaller {
  subject: string;
  office: string;
  /** The registered full name (default: the token's name, else "Nguyễn Thị Hồng Nhung"). */
  name?: string;
  /** The registered title (default "Phó Bí thư Tỉnh ủy"). */
  title?: string;
}

/** The PIN the tests give new keys: it meets the PIN policy (8 characters or more, one not a digit). */
export const testPin = 'demo-246810';

/** The CA administrator who records people and approves requests in these tests (not a signer). */
export const raAdminOf = (office: string) =>
  authHeader({ subject: 'person:ra-admin', office, roles: ['ca-admin'], name: 'Quản trị CA' });

/** The headers of a signer's token (role signer unless `roles` says otherwise). */
export const headersOf = (who: TestSigner) =>
  authHeader({ ...who, roles: who.roles ?? ['signer'], ...(who.name === undefined ? {} : { name: who.name }) });

async function expectStatus(
  what: string,
  response: Promise<{ statusCode: number; body: string }>,
  ...wanted: number[]
): Promise<{ statusCode: number; body: string }> {
  const res = await response;
  if (!wanted.includes(res.statusCode)) throw new Error(`${what}: ${res.statusCode} ${res.body}`);
  return res;
}

/** Records `who` as a person of their office (name and title), as its CA administrator does. */
export async function registerPerson(app: ServiceApp, who: TestSigner): Promise<void> {
  await expectStatus(
    'record the person',
    app.inject({
      method: 'PUT',
      url: `/v1/offices/self/people/${encodeURIComponent(who.subject)}`,
      headers: raAdminOf(who.office),
      payload: { name: who.name ?? 'Nguyễn Thị Hồng Nhung', title: who.title ?? 'Phó Bí thư Tỉnh ủy' },
    }),
    200,
    201,
  );
}

/** Asks for a key as `who` (recorded first); returns the pending request. */
export async function requestKey(
  app: ServiceApp,
  who: TestSigner,
  body: { pin: string; keyType?: string; validityDays?: number },
): Promise<{ id: string; state: string; subject: string }> {
  await registerPerson(app, who);
  const res = await expectStatus(
    'ask for a key',
    app.inject({ method: 'POST', url: '/v1/keys', headers: headersOf(who), payload: body }),
    202,
  );
  return JSON.parse(res.body) as { id: string; state: string; subject: string };
}

/** A personal key of `who`: recorded, asked for and approved; returns the key as the approval answers it. */
export async function enrolKey<T = Record<string, unknown>>(
  app: ServiceApp,
  who: TestSigner,
  body: { pin: string; keyType?: string; validityDays?: number },
): Promise<T> {
  const request = await requestKey(app, who, body);
  const approved = await expectStatus(
    'approve the request',
    app.inject({ method: 'POST', url: `/v1/key-requests/${request.id}/approval`, headers: raAdminOf(who.office) }),
    201,
  );
  return JSON.parse(approved.body) as T;
}
