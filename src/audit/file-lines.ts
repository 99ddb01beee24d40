import { closeSync, openSync, readSync } from 'node:fs';

export interface FileLine {
  text: string;
  /** False only for a last line with no final newline. */
  terminated: boolean;
}

const CHUNK_BYTES = 1 << 20;
const NEWLINE = 0x0a;

/** The lines of a file in order, read synchronously in chunks so that a large rotated file is never held whole. */
export function* fileLines(path: string): Generator<FileLine, void, undefined> {
  const fd = openSync(path, 'r');
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    let carry = Buffer.alloc(0);
    for (;;) {
      const read = readSync(fd, chunk, 0, CHUNK_BYTES, null);
      if (read === 0) break;
      const data = carry.length > 0 ? Buffer.concat([carry, chunk.subarray(0, read)]) : chunk.subarray(0, read);
      let start = 0;
      for (let end = data.indexOf(NEWLINE, start); end !== -1; end = data.indexOf(NEWLINE, start)) {
        yield { text: data.toString('utf8', start, end), terminated: true };
        start = end + 1;
      }
      carry = Buffer.from(data.subarray(start));
    }
    if (carry.length > 0) yield { text: carry.toString('utf8'), terminated: false };
  } finally {
    closeSync(fd);
  }
}
