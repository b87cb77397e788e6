/**
 * Authentication and per-office scoping. Every route needs a bearer access token
 * (RFC 6750, verified as in `access-token.ts`) unless it declares `config: { public: true }`
 * (probes, metrics, API docs, and trust services that relying parties fetch without an
 * account: CRLs, OCSP, time-stamps, CA certificates); a public route with `optionalToken`
 * still verifies a token that is sent. The token's caller becomes
 * `request.principal`: one subject acting for one office with some roles. Handlers ask
 * for what they need with `requireRole`; a service keeps an office's data to that office.
 */
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AccessTokenError, accessTokenVerifier } from './access-token.ts';
import type { AccessTokenRule, AuthConfig } from './access-token.ts';
import { AppError, serviceErrors } from './errors.ts';

/** Who is calling: an office system or a person, acting for one office. */
export interface Principal {
  /** The token's `sub`, e.g. `person:nguyen-thi-hong-nhung` or `system:vptu-camau`. */
  subject: string;
  /** The office (văn phòng) the caller acts for; all data they see is this office's. */
  office: string;
  roles: readonly string[];
  /** A display name, when the token carries one. */
  name?: string;
}

/** Resolves the caller of a request; throws an AppError (401/403) to refuse it. */
export type Authenticate = (request: FastifyRequest) => Promise<Principal>;

/**
 * A route's own check of its caller (`config: { authenticate }`), in place of the service's
 * bearer-token check: e.g. tokens of a second issuer and key set (`bearerTokenAuthenticator`
 * with another `AuthConfig`) that are good for that route only. Throws an AppError to refuse.
 */
export type RouteAuthenticate = (request: FastifyRequest, reply: FastifyReply) => Principal | Promise<Principal>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** The route answers without a token (default false: a token is required). */
    public?: boolean;
    /**
     * With `public`: a token, when sent, is still verified (a bad one is refused, 401) and
     * becomes `request.principal`, so the route can show a caller more than an anonymous one.
     */
    optionalToken?: boolean;
    /**
     * The route checks its caller itself, before its body is read, instead of the service's
     * token check (and of `AuthOptions.authenticate`): a token the service's issuer signed is
     * then good there only if this check says so. Not with `public`.
     */
    authenticate?: RouteAuthenticate;
  }
}

/** The roles lienthong's services know (DESIGN.md, "Who uses it"). */
export const roles = {
  /** An office's document software: submits documents, reads its inbox. */
  officeSystem: 'office-system',
  /** A person who approves documents with a personal certificate (người ký). */
  signer: 'signer',
  /** The registry (văn thư): numbers, stamps and seals with the office's key. */
  registry: 'registry',
  /** Archivists (lưu trữ). */
  archivist: 'archivist',
  /** Runs the suite's certification authority: seals, certificates, revocation. */
  caAdmin: 'ca-admin',
  /** Manages the directory (offices, people, recipient groups) of their committee's subtree. */
  directoryAdmin: 'directory-admin',
} as const;

const challenge = 'Bearer realm="lienthong"';

const refusalOf: Record<AccessTokenRule, (typeof serviceErrors)[keyof typeof serviceErrors]> = {
  invalid: serviceErrors.UNAUTHENTICATED,
  audience: serviceErrors.TOKEN_WRONG_AUDIENCE,
  lifetime: serviceErrors.TOKEN_BAD_LIFETIME,
  iat: serviceErrors.TOKEN_BAD_IAT,
};

function refuse(
  reply: FastifyReply,
  detail: string,
  error = 'invalid_token',
  rule: AccessTokenRule = 'invalid',
): AppError {
  // RFC 6750 §3: a 401 carries the challenge, with the error when a token was presented.
  void reply.header('www-authenticate', error === '' ? challenge : `${challenge}, error="${error}"`);
  return new AppError(refusalOf[rule], { detail });
}

/**
 * The authenticator of real services: a bearer token verified against `config`; a token
 * seen before is not verified again, only its claims (`accessTokenVerifier`).
 */
export function bearerTokenAuthenticator(
  config: AuthConfig | undefined,
  now: () => Date = () => new Date(),
): (request: FastifyRequest, reply: FastifyReply) => Principal {
  const verify = config === undefined ? undefined : accessTokenVerifier(config);
  return (request, reply) => {
    const header = request.headers.authorization;
    if (header === undefined || header === '')
      throw refuse(reply, 'send an access token: Authorization: Bearer <token>', '');
    const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
    if (!match) throw refuse(reply, 'the Authorization header is not "Bearer <token>"', 'invalid_request');
    if (verify === undefined) throw refuse(reply, 'this service has no token issuer configured (LIENTHONG_AUTH_JWKS)');
    try {
      const claims = verify(match[1]!, now());
      return {
        subject: claims.sub,
        office: claims.office,
        roles: claims.roles,
        ...(claims.name === undefined ? {} : { name: claims.name }),
      };
    } catch (error) {
      if (error instanceof AccessTokenError) throw refuse(reply, error.message, 'invalid_token', error.rule);
      throw error;
    }
  };
}

/** The caller of a protected route (set by the hook before any handler runs). */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null)
    throw new AppError(serviceErrors.UNAUTHENTICATED, {
      detail: 'send an access token: Authorization: Bearer <token>',
    });
  return request.principal;
}

/** The caller, when they hold at least one of `wanted`; otherwise 403 naming the roles. */
export function requireRole(request: FastifyRequest, ...wanted: string[]): Principal {
  const principal = principalOf(request);
  if (!wanted.some((role) => principal.roles.includes(role))) {
    throw new AppError(serviceErrors.FORBIDDEN, { detail: `this needs the role ${wanted.join(' or ')}` });
  }
  return principal;
}

/** Options of the `authHook` plugin. */
export interface AuthOptions {
  /** The token issuer's keys and names; without them every protected route answers 401. */
  auth?: AuthConfig;
  /** Replaces the bearer-token check (tests of the kit, other schemes later). */
  authenticate?: Authenticate;
  /** Paths under these prefixes are public (routes made by plugins that take no route config: the API docs). */
  publicPrefixes?: readonly string[];
}

const plugin: FastifyPluginAsync<AuthOptions> = async (app, options) => {
  app.decorateRequest('principal', null);
  const bearer = bearerTokenAuthenticator(options.auth);
  const authenticate = options.authenticate;
  const prefixes = options.publicPrefixes ?? [];
  const isPublic = (request: FastifyRequest): boolean =>
    request.routeOptions.config.public === true ||
    prefixes.some(
      (prefix) => request.routeOptions.url === prefix || request.routeOptions.url?.startsWith(`${prefix}/`) === true,
    );
  app.addHook('onRequest', async (request, reply) => {
    // Unknown routes answer 404 as they are; public routes need nobody.
    if (request.is404) return;
    if (isPublic(request)) {
      const sent = request.headers.authorization !== undefined && request.headers.authorization !== '';
      if (!sent || request.routeOptions.config.optionalToken !== true) return;
    }
    const own = request.routeOptions.config.authenticate;
    request.principal =
      own !== undefined
        ? await own(request, reply)
        : authenticate === undefined
          ? bearer(request, reply)
          : await authenticate(request);
  });
};

/** Authenticates every request of a non-public route before its body is read. */
export const authHook = fp(plugin, { name: 'auth-hook', fastify: '5.x' });
