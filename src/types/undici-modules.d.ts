/**
 * Two of undici's own modules, imported by path: the package's index also loads its fetch and, through
 * `globalThis.Headers`, Node's bundled copy of undici (about 3.5 MB of heap held for nothing). The types are the
 * package's; the paths are pinned by package-lock.json and exercised by every upstream test.
 */
declare module 'undici/lib/dispatcher/pool.js' {
  import type { Pool } from 'undici';
  const PoolClass: typeof Pool;
  export default PoolClass;
}

declare module 'undici/lib/core/errors.js' {
  import type { errors } from 'undici';
  const undiciErrors: typeof errors;
  export default undiciErrors;
}
