/**
 * `node:http` without its ES module facade. `import ... from 'node:http'` makes Node build the facade, which reads
 * every export, including the lazy `WebSocket`, `CloseEvent` and `MessageEvent` of Node 22+, and so loads Node's own
 * bundled copy of undici and the web streams at start (1.1 MB of a ready gateway's heap, kept for the process's life;
 * see test/bench/README.md). `process.getBuiltinModule` hands over the CommonJS module and touches none of them.
 */
export const nodeHttp = process.getBuiltinModule('node:http');
