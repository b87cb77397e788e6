/**
 * `buildApp`: the console's fastify app — problem+json errors, probes (ready when the services
 * it reaches answer theirs), Prometheus metrics at `/metrics`, security headers, the pages (built at
 * start: bundle.ts) and pdf.js, the demo callers (embedded mode only), the identity provider's client
 * settings and callback page, and the same-origin proxy to the four services. It holds no database
 * and no token of its own.
 */
import Fastify from 'fastify';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import {
  createLogger,
  healthChecks,
  httpMetrics,
  ProblemSchema,
  problemDetails,
  requestIdOf,
  sendProblem,
  serviceErrors,
  toProblem,
} from '@lienthong/service';
import type { Logger } from '@lienthong/service';
import { apiProxy } from './api-proxy.ts';
import { consoleBundle, inlineScriptsOf } from './bundle.ts';
import type { ConsoleConfig } from './config.ts';
import { demoCallersRoute, readDemoCallers } from './demo-callers.ts';
import { oidcRoutes } from './oidc.ts';
import { securityHeaders } from './security-headers.ts';
import { pdfjsFiles, publicDir, staticFiles } from './static-files.ts';
import { upstreamChecks } from './upstream-health.ts';

/** What `buildApp` may be given besides the config. */
export interface ConsoleDeps {
  logger?: Logger;
}

/** Builds the console on `config`; `app.close()` releases nothing but its sockets. */
export async function buildApp(config: ConsoleConfig, deps: ConsoleDeps = {}): Promise<FastifyInstance> {
  const demoCallers = config.demoCallersFile === undefined ? undefined : await readDemoCallers(config.demoCallersFile);
  const pdfjs = await pdfjsFiles();
  const bundle = await consoleBundle({ publicDir, pdfjsBase: pdfjs.base });
  const logger: FastifyBaseLogger = deps.logger ?? createLogger({ name: 'console', level: config.logLevel });
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 64 * 1024,
    trustProxy: false,
    requestIdHeader: false,
    genReqId: requestIdOf,
    return503OnClosing: true,
    frameworkErrors: (error, request, reply) => {
      const detail = error.code === 'FST_ERR_BAD_URL' ? 'the URL is malformed (bad percent-encoding)' : error.message;
      void sendProblem(reply, toProblem(request, serviceErrors.BAD_REQUEST, detail));
    },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addSchema(ProblemSchema);
  await app.register(httpMetrics, { defaultLabels: { service: 'console' } });
  await app.register(problemDetails);
  await app.register(healthChecks, { checks: upstreamChecks(config) });
  // Called, not registered: its hook must reach every route, the plugins' included. The
  // served index.html's inline scripts (none but what it is written with) are allowed by hash.
  securityHeaders(app, {
    inlineScripts: inlineScriptsOf(bundle.indexHtml),
    connectOrigins: config.oidc === undefined ? [] : [new URL(config.oidc.issuer).origin],
  });
  await app.register(demoCallersRoute, { callers: demoCallers });
  await app.register(oidcRoutes, { oidc: config.oidc, indexHtml: bundle.indexHtml });
  await app.register(apiProxy, { config });
  await app.register(staticFiles, { bundle, pdfjs });
  return app;
}
