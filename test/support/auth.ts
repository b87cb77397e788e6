/**
 * Access tokens for tests: one Ed25519 issuer key per test process, the JWK set services
 * are configured with, and `authHeader` to call a protected route as someone.
 */
import { generateKeyPairSync } from 'node:crypto';
import { parseJwks, publicJwks, serviceAudience, signAccessToken } from '@lienthong/service';
import type { AccessTokenRequest, AuthConfig } from '@lienthong/service';

const { privateKey } = generateKeyPairSync('ed25519');

/** The issuer's private key (tests that forge or sign tokens themselves). */
export const testIssuerKey = privateKey;

/** `LIENTHONG_AUTH_JWKS` for service configs built by tests. */
export const testAuthEnv = { LIENTHONG_AUTH_JWKS: publicJwks(privateKey, 'test') };

/** The audience of the kit's own test apps (libs/service tests). */
export const testAudience = serviceAudience('test');

/** Every audience a test token names: each service's default, and the kit's test apps. */
export const testAudiences = ['intake', 'signing', 'archive', 'delivery', 'test'].map(serviceAudience);

/** The same, as the kit's `AuthConfig`. */
export const testAuthConfig: AuthConfig = {
  keys: parseJwks(testAuthEnv.LIENTHONG_AUTH_JWKS),
  issuer: 'lienthong',
  audience: testAudience,
};

/** Who a test calls as: a subject of an office with roles. */
export interface TestCaller {
  subject?: string;
  office?: string;
  roles?: string[];
  name?: string;
}

/**
 * A signed access token for `caller`, for every service (`testAudiences`) and valid one
 * hour, the services' default maximum; claims may be overridden.
 */
export function testToken(caller: TestCaller = {}, overrides: Partial<AccessTokenRequest> = {}): string {
  return signAccessToken(
    {
      iss: 'lienthong',
      aud: testAudiences,
      sub: caller.subject ?? 'system:test',
      office: caller.office ?? 'VPTU-TEST',
      roles: caller.roles ?? [],
      ...(caller.name === undefined ? {} : { name: caller.name }),
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...overrides,
    },
    { privateKey, kid: 'test' },
  );
}

/** `{ authorization: 'Bearer …' }` for `inject` or fetch. */
export function authHeader(caller: TestCaller = {}): { authorization: string } {
  return { authorization: `Bearer ${testToken(caller)}` };
}
