import { execFileSync } from 'node:child_process';

/** A Python 3 that has `requests`: the machine's own, or Debian's (python3-requests) on a bare CI machine. */
export function pythonWithRequests(): string {
  for (const candidate of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(candidate, ['-c', 'import requests'], { stdio: 'ignore' });
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new Error('no python3 with requests: apt-get install -y python3-requests');
}
