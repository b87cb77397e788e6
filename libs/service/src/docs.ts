/**
 * The API description: OpenAPI 3.1 generated from the routes' TypeBox schemas
 * (@fastify/swagger), served as JSON at `/docs/json` and browsable at `/docs`.
 * Register it before any route so that every route is collected.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';

/** Where the API description is served; public, like the probes. */
export const docsPrefix = '/docs';

/** The `info` of the OpenAPI document. */
export interface ApiDocsOptions {
  title: string;
  version: string;
  description?: string;
}

const plugin: FastifyPluginAsync<ApiDocsOptions> = async (app, options) => {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.description === undefined ? {} : { description: options.description }),
      },
      tags: [{ name: 'ops', description: 'Health, readiness and metrics' }],
      components: {
        securitySchemes: {
          accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT (RFC 9068 access token)' },
        },
      },
      security: [{ accessToken: [] }],
    },
    // Public routes (probes, trust services) say so: no token needed.
    transform: ({ schema, url, route }) => ({
      schema:
        route.config?.public !== true
          ? schema
          : { ...schema, security: route.config.optionalToken === true ? [{}, { accessToken: [] }] : [] },
      url,
    }),
    // Shared schemas keep their $id as the component name (#/components/schemas/Problem).
    refResolver: {
      buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`),
    },
  });
  await app.register(swaggerUi, { routePrefix: docsPrefix });
};

/** OpenAPI document and UI at `/docs`. */
export const apiDocs = fp(plugin, { name: 'api-docs', fastify: '5.x' });
