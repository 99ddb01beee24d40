import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat's times: USER_HZ, 100 on Linux. */
const TICKS_PER_SECOND = 100;

/** CPU time a process has used so far, in microseconds: in its own code (user) and in the kernel on its behalf (system). */
export interface CpuTimes {
  userUs: number;
  systemUs: number;
}

/** The process's CPU times so far; undefined once it is gone. */
export function readCpuTimes(pid: number): CpuTimes | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const user = Number(fields[11]);
  const system = Number(fields[12]);
  if (!Number.isFinite(user) || !Number.isFinite(system)) return undefined;
  return { userUs: (user * 1_000_000) / TICKS_PER_SECOND, systemUs: (system * 1_000_000) / TICKS_PER_SECOND };
}

/** What a process spent between two readings, per answer (µs): in all, and of it in the kernel. */
export function spentPerAnswer(before: CpuTimes, after: CpuTimes, answers: number): { cpuUs: number; systemUs: number } {
  const systemUs = after.systemUs - before.systemUs;
  return { cpuUs: (after.userUs - before.userUs + systemUs) / answers, systemUs: systemUs / answers };
}
