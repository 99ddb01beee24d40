import type { PrincipalDescriptor } from '../model.js';
import { readDataList, readDescriptor } from './json-body.js';

/** The body of POST/DELETE /threat_profiles/{id}/relationships/{editors|viewers}. */
export function parsePrincipals(raw: unknown): PrincipalDescriptor[] {
  return readDataList(raw).map((entry) => {
    const { type, id } = readDescriptor(entry, ['user', 'group']);
    return { type: type === 'user' ? 'user' : 'group', id };
  });
}
