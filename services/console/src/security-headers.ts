/**
 * The headers every answer of the console carries: a Content-Security-Policy without inline
 * scripts (one that index.html held would be allowed by its SHA-256 only), no framing,
 * no referrer, no sniffing. pdf.js needs its worker (`worker-src 'self'`), WebAssembly for
 * some image codecs (`'wasm-unsafe-eval'`) and fonts and images it makes in memory. The page
 * calls no other origin but the identity provider's, when one is configured (its discovery
 * document and token endpoint, fetched by the browser as the public client it is).
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/** The SHA-256 source expression of an inline script's text, as CSP writes it. */
export function scriptHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/**
 * The console's policy, allowing the inline scripts whose texts are given, and fetches to the
 * console and to `connectOrigins` (the identity provider's origin, `scheme://host[:port]`).
 */
export function contentSecurityPolicy(
  inlineScripts: readonly string[],
  connectOrigins: readonly string[] = [],
): string {
  return [
    "default-src 'none'",
    `script-src 'self' 'wasm-unsafe-eval' ${inlineScripts.map(scriptHash).join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    ["connect-src 'self'", ...connectOrigins].join(' '),
    "worker-src 'self'",
    "manifest-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "object-src 'none'",
  ].join('; ');
}

/** Adds the headers to every answer, the services' passed-on answers included. */
export function securityHeaders(
  app: FastifyInstance,
  options: { inlineScripts: readonly string[]; connectOrigins?: readonly string[] },
): void {
  const policy = contentSecurityPolicy(options.inlineScripts, options.connectOrigins);
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', policy);
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('cross-origin-resource-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=(), usb=()');
    return payload;
  });
}
