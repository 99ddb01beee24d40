import type { GraphRecord, ServiceAccountRecord } from './model.js';
import { apiUrl } from './links.js';

interface Descriptor {
  type: string;
  id: string;
}

interface RelatedObject extends Descriptor {
  links: { self: string };
  attributes: Record<string, unknown>;
}

export function graphObject(graph: GraphRecord): RelatedObject {
  return { type: 'graph', id: graph.id, links: { self: apiUrl('graphs', graph.id) }, attributes: { ...graph.attributes } };
}

/** `apikey` is "only visible for the administrators of the group the Service Account belongs to". */
export function serviceAccountObject(account: ServiceAccountRecord, viewerIsGroupAdmin: boolean): RelatedObject {
  return {
    type: 'service_account',
    id: account.id,
    links: { self: apiUrl('service_accounts', account.id) },
    attributes: { ...structuredClone(account.attributes), ...(viewerIsGroupAdmin ? { apikey: account.apikey } : {}) },
  };
}

export function descriptorOf(object: Descriptor): Descriptor {
  return { type: object.type, id: object.id };
}

/** How VirusTotal lists a related object that no longer exists, in full-object listings. */
interface MissingObject extends Descriptor {
  error: { code: 'NotFoundError'; message: string };
}

export function missingObject(type: string, id: string): MissingObject {
  return { type, id, error: { code: 'NotFoundError', message: `${type} "${id}" not found` } };
}
