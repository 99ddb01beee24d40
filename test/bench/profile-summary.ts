/**
 * Summarises a V8 .cpuprofile (from `node --cpu-prof`): self time per function (name + url:line), the top N with
 * their share of all sampled time and of the busy (non-idle) part, who owns each (ours, a package, node, native),
 * the first caller outside node and native code (who made a `writev` happen), our own functions by inclusive time,
 * and busy time by owner. Our built code is mapped back to src/ through dist's source maps.
 *
 *   npx tsx test/bench/profile-summary.ts <file.cpuprofile> [top]
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { familyOf, frameKey, frameName, locationOf, ownerOf, type CallFrame } from './profile-frames.js';

interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}

export interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  /** Microseconds on the system's monotonic clock, the one process.hrtime() reads. */
  startTime: number;
  endTime: number;
}

export interface HotFunction {
  name: string;
  location: string;
  owner: string;
  /** The first caller that is neither node's nor native code, and its share of this function's self time. */
  caller: string;
  selfMs: number;
  pctTotal: number;
  pctBusy: number;
}

export interface OursInclusive {
  name: string;
  location: string;
  totalMs: number;
  pctBusy: number;
}

export interface ProfileSummary {
  totalMs: number;
  busyMs: number;
  /** Whether only the given window (the load) was counted, or the whole profile (start-up and shutdown too). */
  windowed: boolean;
  top: HotFunction[];
  oursInclusive: OursInclusive[];
  byOwner: { owner: string; selfMs: number; pctBusy: number }[];
}

/** Only samples taken in [fromUs, toUs] (monotonic clock, microseconds) are counted, when both are given. */
export interface SummaryOptions {
  top?: number;
  fromUs?: number;
  toUs?: number;
}

const pct = (us: number, of: number): number => (of > 0 ? (100 * us) / of : 0);

function add<K>(map: Map<K, number>, key: K, us: number): void {
  map.set(key, (map.get(key) ?? 0) + us);
}

export function summarizeProfile(profile: CpuProfile, opts: SummaryOptions = {}): ProfileSummary {
  const top = opts.top ?? 15;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const windowed =
    opts.fromUs !== undefined && opts.toUs !== undefined && opts.fromUs < profile.endTime && opts.toUs > profile.startTime;

  // timeDeltas[i] is the time from sample i-1 to sample i; sample i is charged until the next one (DevTools' rule).
  const selfUs = new Map<number, number>();
  let t = profile.startTime;
  const times = profile.timeDeltas.map((d) => (t += d));
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    const start = times[i];
    if (id === undefined || start === undefined) continue;
    if (windowed && (start < (opts.fromUs ?? 0) || start > (opts.toUs ?? 0))) continue;
    add(selfUs, id, Math.max(0, (times[i + 1] ?? profile.endTime) - start));
  }

  const self = new Map<string, { frame: CallFrame; us: number; callers: Map<string, number> }>();
  const inclusive = new Map<string, { frame: CallFrame; us: number }>();
  let totalUs = 0;
  let idleUs = 0;
  const owners = new Map<string, number>();
  for (const [id, us] of selfUs) {
    const node = byId.get(id);
    if (node === undefined) continue;
    const frame = node.callFrame;
    totalUs += us;
    const owner = ownerOf(frame);
    if (owner === 'idle') {
      idleUs += us;
      continue;
    }
    add(owners, familyOf(owner), us);
    const key = frameKey(frame);
    const slot = self.get(key) ?? { frame, us: 0, callers: new Map<string, number>() };
    slot.us += us;
    self.set(key, slot);

    const seen = new Set<string>();
    let caller: string | undefined;
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at)?.callFrame;
      if (f === undefined) break;
      const o = ownerOf(f);
      if (at !== id && caller === undefined && o !== 'node' && o !== 'native' && f.functionName !== '(root)') {
        caller = `${frameName(f)} (${familyOf(o)})`;
      }
      const k = frameKey(f);
      if (o === 'ours' && !seen.has(k)) {
        seen.add(k);
        const inc = inclusive.get(k) ?? { frame: f, us: 0 };
        inc.us += us;
        inclusive.set(k, inc);
      }
    }
    add(slot.callers, caller ?? '-', us);
  }
  const busyUs = totalUs - idleUs;

  const hot = [...self.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, top)
    .map(({ frame, us, callers }): HotFunction => {
      const [caller, callerUs] = [...callers.entries()].sort((a, b) => b[1] - a[1])[0] ?? ['-', 0];
      return {
        name: frameName(frame),
        location: locationOf(frame),
        owner: ownerOf(frame),
        caller: caller === '-' ? '-' : `${caller} ${pct(callerUs, us).toFixed(0)}%`,
        selfMs: us / 1000,
        pctTotal: pct(us, totalUs),
        pctBusy: pct(us, busyUs),
      };
    });
  const oursInclusive = [...inclusive.values()]
    .sort((a, b) => b.us - a.us)
    .slice(0, 10)
    .map(({ frame, us }) => ({ name: frameName(frame), location: locationOf(frame), totalMs: us / 1000, pctBusy: pct(us, busyUs) }));
  const byOwner = [...owners.entries()]
    .sort((a, b) => b[1] - a[1])
    .map(([owner, us]) => ({ owner, selfMs: us / 1000, pctBusy: pct(us, busyUs) }));
  return { totalMs: totalUs / 1000, busyMs: busyUs / 1000, windowed, top: hot, oursInclusive, byOwner };
}

export function readProfile(file: string): CpuProfile {
  return JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
}

export function formatSummary(s: ProfileSummary): string {
  const major = s.byOwner.filter((o) => o.pctBusy >= 0.5);
  const rest = s.byOwner.filter((o) => o.pctBusy < 0.5).reduce((sum, o) => sum + o.pctBusy, 0);
  return [
    `Sampled ${(s.totalMs / 1000).toFixed(1)} s${s.windowed ? ' (the load only)' : ' (whole process life)'}, ` +
      `busy ${(s.busyMs / 1000).toFixed(1)} s (${pct(s.busyMs, s.totalMs).toFixed(0)} %).`,
    '',
    'Top self time:',
    '',
    '| # | self ms | % total | % busy | owner | function | location | first caller outside node/native |',
    '|---:|---:|---:|---:|---|---|---|---|',
    ...s.top.map(
      (h, i) =>
        `| ${i + 1} | ${h.selfMs.toFixed(0)} | ${h.pctTotal.toFixed(1)} | ${h.pctBusy.toFixed(1)} | ${h.owner} | \`${h.name}\` | ${h.location} | ${h.caller} |`,
    ),
    '',
    'Our functions by inclusive time (self + callees):',
    '',
    '| % busy | function | location |',
    '|---:|---|---|',
    ...s.oursInclusive.map((o) => `| ${o.pctBusy.toFixed(1)} | \`${o.name}\` | ${o.location} |`),
    '',
    `Busy time by owner: ${major.map((o) => `${o.owner} ${o.pctBusy.toFixed(1)} %`).join(', ')}${rest > 0 ? `, rest ${rest.toFixed(1)} %` : ''}.`,
  ].join('\n');
}

const invokedDirectly = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const file = process.argv[2];
  if (file === undefined) {
    process.stderr.write('usage: tsx test/bench/profile-summary.ts <file.cpuprofile> [top]\n');
    process.exit(2);
  }
  const top = Number(process.argv[3] ?? 15);
  process.stdout.write(`${formatSummary(summarizeProfile(readProfile(file), { top: Number.isInteger(top) && top > 0 ? top : 15 }))}\n`);
}
