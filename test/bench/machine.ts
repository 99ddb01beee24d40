import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface Machine {
  date: string;
  nproc: number;
  cpuModel: string;
  memTotalMB: number;
  node: string;
  kernel: string;
}

/** What the numbers were measured on: `nproc` (CPUs this process may use) and /proc/cpuinfo's model name. */
export function describeMachine(): Machine {
  let cpuModel = 'unknown';
  try {
    cpuModel = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpuModel;
  } catch {
    // Not Linux: keep "unknown".
  }
  return {
    date: new Date().toISOString(),
    nproc: os.availableParallelism(),
    cpuModel,
    memTotalMB: Math.round(os.totalmem() / 1024 / 1024),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
  };
}
