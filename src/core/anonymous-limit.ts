import { isIPv6 } from 'node:net';
import LocalStore from '@fastify/rate-limit/store/LocalStore.js';
import { GatewayError } from '../errors.js';

/** What becomes of one more unauthenticated call from an address. */
export type AnonymousVerdict =
  | { kind: 'allowed' }
  /** Answered 429; `recorded` is true only for the first refusal of the address's window. */
  | { kind: 'refused'; error: GatewayError; recorded: boolean };

export interface AnonymousLimitOptions {
  perMinute: number;
  /** Told once per address and window how many refusals went unrecorded (an operational log line). */
  summarise: (address: string, unrecorded: number) => void;
}

export interface AnonymousLimit {
  /** Counts one unauthenticated call (no or wrong credentials, unknown route) from `address`. */
  count(address: string): AnonymousVerdict;
  /** Summarises what is pending and stops the summary timer. */
  close(): void;
}

const WINDOW_MS = 60_000;
/** Addresses remembered at once; the least recently seen is forgotten first (its count starts again). */
const ADDRESSES = 10_000;

/**
 * Calls nobody answers for are limited per source address (request.ip: the TCP peer, or X-Forwarded-For from a
 * trusted proxy) in memory, per replica: this protects the replica's disk and log, not a shared budget. Only the first
 * refusal of each window costs an audit line; later ones are counted and summarised once per window.
 */
export function createAnonymousLimit(opts: AnonymousLimitOptions): AnonymousLimit {
  const store = new LocalStore(false, false, ADDRESSES);
  const unrecorded = new Map<string, number>();
  const summarise = (): void => {
    for (const [address, count] of unrecorded) opts.summarise(address, count);
    unrecorded.clear();
  };
  const timer = setInterval(summarise, WINDOW_MS);
  timer.unref();

  return {
    count(peer) {
      const address = limitedUnit(peer);
      let current = 0;
      let ttl = WINDOW_MS;
      store.incr(
        `anonymous:${address}`,
        (_err, result) => {
          current = result.current;
          ttl = result.ttl;
        },
        WINDOW_MS,
        opts.perMinute,
      );
      if (current <= opts.perMinute) return { kind: 'allowed' };
      const retryAfter = String(Math.max(1, Math.ceil(ttl / 1000)));
      const error = new GatewayError(
        'GW_ERR_RATE_LIMITED',
        `Too many unauthenticated requests from this address (limit ${opts.perMinute} per minute); retry in ${retryAfter} s`,
        { 'retry-after': retryAfter },
      );
      const recorded = current === opts.perMinute + 1;
      if (!recorded) unrecorded.set(address, (unrecorded.get(address) ?? 0) + 1);
      return { kind: 'refused', error, recorded };
    },
    close() {
      clearInterval(timer);
      summarise();
    },
  };
}

const IPV4_MAPPED = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i;

/**
 * What one party holds, as the limit counts it: an IPv4 address, or an IPv6 /64 (a single host is commonly given a
 * whole /64, and could otherwise send from a new address for every request).
 */
export function limitedUnit(address: string): string {
  if (!isIPv6(address)) return address;
  const mapped = IPV4_MAPPED.exec(address);
  if (mapped?.[1] !== undefined) return mapped[1];
  const [head = '', tail] = address.split('%', 1)[0]?.split('::') ?? [];
  const groups = (part: string | undefined): string[] => (part === undefined || part === '' ? [] : part.split(':'));
  const first = groups(head);
  // Embedded IPv4 only ever ends an address, past the first four groups: those are all the prefix needs.
  const last = groups(tail).map((group) => (group.includes('.') ? '0:0' : group)).join(':');
  const filler = Array<string>(Math.max(0, 8 - first.length - groups(last).length)).fill('0');
  const all = tail === undefined ? first : [...first, ...filler, ...groups(last)];
  return `${all
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':')}::/64`;
}
