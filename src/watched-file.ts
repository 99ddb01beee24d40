import { statSync } from 'node:fs';

/** Changes whenever the file at path is rewritten, replaced or removed; a broken file is then not retried until it changes. */
export function fileVersion(path: string): string {
  try {
    const stat = statSync(path);
    return `${stat.dev}:${stat.ino}:${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}`;
  } catch (err) {
    return `unreadable:${(err as NodeJS.ErrnoException).code ?? ''}`;
  }
}

/**
 * Calls `reload` on SIGHUP and whenever the file's version differs from the one last read; returns the function that
 * stops watching. Polling the path's stat, rather than fs.watch, sees a file replaced by rename, a Kubernetes
 * ConfigMap's symlink swap and changes on filesystems without inotify (network and some container mounts).
 * Comparing with the version last read, rather than fs.watchFile's first stat, also catches a change made before.
 */
export function watchFile(path: string, lastReadVersion: () => string, reload: () => void, pollIntervalMs: number): () => void {
  const poller = setInterval(() => {
    if (fileVersion(path) !== lastReadVersion()) reload();
  }, pollIntervalMs).unref();
  process.on('SIGHUP', reload);
  return () => {
    clearInterval(poller);
    process.off('SIGHUP', reload);
  };
}
