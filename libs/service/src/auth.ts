/**
 * The slot for authentication and per-office scoping (a later issue). Every request has
 * `request.principal` (null until an authenticator says otherwise); when the app is given
 * an `authenticate` function it runs before every handler. Nothing is enforced yet.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';

/** Who is calling: an office system or a person, and the offices they may act for. */
export interface Principal {
  subject: string;
  /** Offices (văn phòng) the caller may act for; empty for none. */
  officeIds: string[];
}

/** Resolves the caller of a request; throws an AppError (401/403) to refuse it. */
export type Authenticate = (request: FastifyRequest) => Promise<Principal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Options of the `authHook` plugin. */
export interface AuthOptions {
  authenticate?: Authenticate;
}

const plugin: FastifyPluginAsync<AuthOptions> = async (app, options) => {
  app.decorateRequest('principal', null);
  const authenticate = options.authenticate;
  if (authenticate === undefined) return;
  app.addHook('preHandler', async (request) => {
    request.principal = await authenticate(request);
  });
};

/** Decorates requests with `principal` and runs the authenticator, when one is given. */
export const authHook = fp(plugin, { name: 'auth-hook', fastify: '5.x' });
