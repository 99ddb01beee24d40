import { GatewayError } from '../errors.js';

const realm = 'vt-access-gateway';

/** error_description is a quoted-string of printable ASCII without `"` or `\` (RFC 6750 §3). */
function quotable(text: string): string {
  return text.replace(/[^\x20-\x7e]|["\\]/g, "'");
}

/** 401 for a request that sent no credential: a challenge without an error code (RFC 6750 §3.1). */
export function credentialsRequired(message: string): GatewayError {
  return new GatewayError('GW_ERR_AUTH_REQUIRED', message, { 'www-authenticate': `Bearer realm="${realm}"` });
}

/** 401 for a credential that was sent but is wrong, expired or names no client. */
export function invalidCredential(message: string): GatewayError {
  return new GatewayError('GW_ERR_WRONG_CREDENTIALS', message, {
    'www-authenticate': `Bearer realm="${realm}", error="invalid_token", error_description="${quotable(message)}"`,
  });
}

/** 403 for a client that lacks a scope: the challenge names it (RFC 6750 §3.1 insufficient_scope). */
export function insufficientScope(scope: string, message: string): GatewayError {
  return new GatewayError('GW_ERR_FORBIDDEN', message, {
    'www-authenticate': `Bearer realm="${realm}", error="insufficient_scope", scope="${quotable(scope)}"`,
  });
}
