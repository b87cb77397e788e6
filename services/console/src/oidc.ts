/**
 * The identity provider's login (OpenID Connect authorization code with PKCE, RFC 7636 S256):
 * the browser is the client, a public one, and the console only tells it where to go.
 * `GET /session/oidc` gives the sign-in page the client's settings (none of them secret), or
 * 204 and nothing without a provider (the page asks on every load: a 404 would be an error in
 * every browser's console); `GET /oidc/callback`, the redirect URI to register at the
 * provider, is the console's page itself, which takes the code from its URL, forgets the URL
 * (history.replaceState) and exchanges the code (public/lib/oidc.js). The console never sees
 * the code's token: the page keeps it as it keeps a pasted one.
 */
import type { FastifyInstance } from 'fastify';
import type { OidcClientConfig } from './config.ts';

/** The path the provider sends the browser back to (the redirect URI is the console's origin + this). */
export const oidcCallbackPath = '/oidc/callback';

/** `GET /session/oidc`'s answer. */
export interface OidcSettings extends OidcClientConfig {
  redirectPath: string;
}

/** The settings route, and the callback page when the provider is configured. */
export async function oidcRoutes(
  app: FastifyInstance,
  options: { oidc: OidcClientConfig | undefined; indexHtml: string },
): Promise<void> {
  const { oidc, indexHtml } = options;
  app.get('/session/oidc', async (request, reply) => {
    reply.header('cache-control', 'no-store');
    if (oidc === undefined) return reply.code(204).send();
    const settings: OidcSettings = { ...oidc, redirectPath: oidcCallbackPath };
    return settings;
  });
  if (oidc === undefined) return;
  app.get(oidcCallbackPath, async (_request, reply) => {
    // The URL holds the code until the page replaces it: never stored by a cache. The page is
    // the one `/` serves (this start's build).
    return reply.header('cache-control', 'no-store').type('text/html; charset=utf-8').send(indexHtml);
  });
}
