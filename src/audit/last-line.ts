import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

export interface LastLine {
  /** null when the line is longer than the reader is willing to go back. */
  text: string | null;
  /** False when the file does not end with a newline (a torn or truncated write). */
  terminated: boolean;
}

const CHUNK_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 16 * 1024 * 1024;
const NEWLINE = 0x0a;

/** The last line of a file, read backwards from its end; null for an empty file. */
export function readLastLine(path: string): LastLine | null {
  const fd = openSync(path, 'r');
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return null;
    const lastByte = Buffer.alloc(1);
    readSync(fd, lastByte, 0, 1, size - 1);
    const terminated = lastByte[0] === NEWLINE;
    const end = terminated ? size - 1 : size;
    const chunks: Buffer[] = [];
    let start = end;
    while (start > 0 && end - start < MAX_LINE_BYTES) {
      const from = Math.max(0, start - CHUNK_BYTES);
      const chunk = Buffer.alloc(start - from);
      readSync(fd, chunk, 0, chunk.length, from);
      const newline = chunk.lastIndexOf(NEWLINE);
      if (newline !== -1) {
        chunks.unshift(chunk.subarray(newline + 1));
        return { text: Buffer.concat(chunks).toString('utf8'), terminated };
      }
      chunks.unshift(chunk);
      start = from;
    }
    return { text: start === 0 ? Buffer.concat(chunks).toString('utf8') : null, terminated };
  } finally {
    closeSync(fd);
  }
}
