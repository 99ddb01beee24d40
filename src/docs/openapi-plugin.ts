import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import type { FastifyInstance } from 'fastify';
import { ALIAS_PREFIX, GATEWAY_PREFIX } from '../catalog/operation.js';
import type { Operation } from '../catalog/operation.js';
import { tags } from '../catalog/tags.js';
import { addExamples } from './openapi-examples.js';

export interface OpenApiOptions {
  version: string;
  /** Where the gateway is reached, e.g. `/` or a base path prefix set by the corporate gateway. */
  serverUrl: string;
  /** The operations the routes serve, for the examples the route schemas cannot carry. */
  operations: readonly Operation[];
}

const DESCRIPTION = [
  `Holds the organisation's VirusTotal API key so that internal services never do. Every \`${GATEWAY_PREFIX}\` operation mirrors`,
  `VirusTotal API v3's path of the same name (without \`${GATEWAY_PREFIX}\`) one-to-one; the gateway injects the key, validates the`,
  "request before anything leaves, and passes VirusTotal's status, content type and body back unchanged (but for links to",
  'VirusTotal, pointed back at the gateway when `PUBLIC_BASE_URL` is set).',
  'Errors, the gateway\'s own included, use VirusTotal\'s shape: `{"error":{"code":"...","message":"..."}}`.',
  `With \`API_V3_ALIAS=true\` the same operations (and nothing more) are also served under VirusTotal's own \`${ALIAS_PREFIX}\``,
  `prefix, for VirusTotal's clients (vt-py, vt-go) with only their host and key changed; they are listed here under \`${GATEWAY_PREFIX}\` only.`,
  'A client token is accepted in `Authorization: Bearer` or, as those clients send their key, in `x-apikey`.',
].join(' ');

async function openApiPlugin(app: FastifyInstance, opts: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    // Shared schemas (app.addSchema) become components named by their `$id`, and `$ref`s to them point there.
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (doc) => ('openapiObject' in doc ? addExamples(doc.openapiObject, opts.operations) : doc.swaggerObject),
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'vt-access-gateway',
        version: opts.version,
        description: DESCRIPTION,
        contact: { name: 'vt-access-gateway maintainers', url: 'https://www.virustotal.com/gui/group-management' },
        license: { name: 'UNLICENSED', identifier: 'UNLICENSED' },
      },
      servers: [{ url: opts.serverUrl, description: 'This gateway' }],
      tags: tags.map((tag) => ({ ...tag })),
      components: {
        securitySchemes: {
          bearerAuth: {
            type: 'http',
            scheme: 'bearer',
            description: 'A client token minted with `vtgw token` (never the VirusTotal key).',
          },
        },
      },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { deepLinking: true, persistAuthorization: false } });

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/openapi.yaml', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('application/yaml').send(app.swagger({ yaml: true })),
  );
}

export default fp(openApiPlugin, { name: 'vt-gateway-openapi' });
