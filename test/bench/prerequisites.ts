import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** The programs the benchmark drives besides Node: the load generator, the upstream, and the CPU pinning. */
const PROGRAMS = ['wrk', 'nginx', 'taskset'] as const;

/** taskset comes with util-linux, which every Debian has. */
export const INSTALL_HINT = 'apt-get update && apt-get install -y wrk nginx-light (as root, or with sudo)';

/** Where a program is found: on PATH, or in the sbin directories a non-root PATH often lacks (nginx lives in /usr/sbin). */
export function findProgram(name: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/sbin', '/sbin'].filter((d) => d !== '');
  for (const dir of dirs) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

/** The programs missing from this machine (empty when the benchmark can run). */
export function missingPrograms(): string[] {
  return PROGRAMS.filter((name) => findProgram(name) === undefined);
}
