import { invalidArgument } from '../errors.js';
import { readDataList, readDescriptor } from './json-body.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/** The body of POST .../users and POST .../administrators: user descriptors whose ids are emails. */
export function parseUserEmails(raw: unknown): string[] {
  return readDataList(raw).map((entry) => {
    const { id } = readDescriptor(entry, ['user']);
    if (!isEmail(id)) throw invalidArgument(`Invalid email address: "${id}"`);
    return id;
  });
}
