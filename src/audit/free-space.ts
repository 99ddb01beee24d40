import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

/** Bytes an unprivileged writer may still use on the volume holding `file`; null when it cannot be read. */
export function freeBytesFor(file: string): number | null {
  try {
    const fs = statfsSync(dirname(file));
    return fs.bavail * fs.bsize;
  } catch {
    return null;
  }
}
