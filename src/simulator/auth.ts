import type { FastifyRequest } from 'fastify';
import { VtError } from './errors.js';

/** Returns the username that owns the request's API key. */
export function authenticate(request: FastifyRequest, apiKeys: ReadonlyMap<string, string>): string {
  const key = request.headers['x-apikey'];
  if (typeof key !== 'string' || key === '') {
    throw new VtError(401, 'AuthenticationRequiredError', 'X-Apikey header is missing');
  }
  const username = apiKeys.get(key);
  if (username === undefined) {
    throw new VtError(401, 'WrongCredentialsError', 'Wrong API key');
  }
  return username;
}
