import { buildApp } from '../app.js';
import { loadConfig } from '../config.js';

/** The OpenAPI document exactly as a running gateway serves it, as committed under openapi/. */
export async function generateOpenApiDocument(): Promise<string> {
  const config = { ...loadConfig({}), vtApiKey: 'unused-for-document-generation' };
  const app = await buildApp({ config, logger: false });
  await app.ready();
  const doc = JSON.stringify(app.swagger(), null, 2) + '\n';
  await app.close();
  return doc;
}
