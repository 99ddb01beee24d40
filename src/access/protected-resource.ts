import { scopes } from '../catalog/operation.js';
import { GatewayError } from '../errors.js';

export const protectedResourcePath = '/.well-known/oauth-protected-resource';

/** RFC 9728 metadata for the MCP endpoint at `resource`: which authorization server issues its tokens. */
export function protectedResourceMetadata(resource: string, issuer: string): Record<string, unknown> {
  return { resource, authorization_servers: [issuer], bearer_methods_supported: ['header'], scopes_supported: [...scopes] };
}

/** The origin a request was addressed to, for URLs in answers; the Host is kept only when it looks like one. */
export function originOf(protocol: string, host: string): string {
  return `${protocol}://${/^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$/.test(host) ? host : 'localhost'}`;
}

/** The same 401, its challenge pointing at the metadata (RFC 9728 §5.1); any other error unchanged. */
export function pointingAtMetadata(err: unknown, metadataUrl: string): unknown {
  if (!(err instanceof GatewayError) || err.statusCode !== 401) return err;
  const challenge = err.headers['www-authenticate'];
  if (challenge === undefined) return err;
  return new GatewayError(err.code, err.message, { ...err.headers, 'www-authenticate': `${challenge}, resource_metadata="${metadataUrl}"` });
}
