import Fastify, { type FastifyInstance } from 'fastify';
import { demoSeed } from './demo-seed.js';
import { installErrorHandlers } from './error-handlers.js';
import type { SimulatorSeed, SimulatorState } from './model.js';
import { installRequestRecording, RequestRecorder, type RecordedRequest } from './request-recorder.js';
import { API_PREFIX, apiRoutes } from './routes/api.js';
import { registerControlRoutes } from './routes/control.js';
import { createState } from './state.js';

export { DEMO_ADMIN_USER, DEMO_GROUP_ID, DEMO_THREAT_PROFILE_ID, demoSeed } from './demo-seed.js';
export type { RecordedRequest };
export type * from './model.js';

export interface SimulatorOptions {
  /** API key -> username of the key's owner */
  apiKeys: Record<string, string>;
  /** defaults to demoSeed() */
  seed?: SimulatorSeed;
  /** when true, every error body also carries "received_headers" with all request headers */
  echoHeadersInErrors?: boolean;
}

export interface Simulator {
  /** not listening yet */
  app: FastifyInstance;
  /** the live state, inspectable (and adjustable) by tests */
  state: SimulatorState;
  /** API requests received under /api/v3, the last 1000 */
  requests(): readonly RecordedRequest[];
  /** API requests received under /api/v3 since start or the last reset */
  requestCount(): number;
  resetStats(): void;
}

const RECORDED_REQUESTS = 1000;

export function buildSimulator(options: SimulatorOptions): Simulator {
  const state = createState(options.seed ?? demoSeed());
  const recorder = new RequestRecorder(RECORDED_REQUESTS);
  const app = Fastify({ logger: false });

  // Bodies reach the handlers as text: the recorder keeps them verbatim, and each route parses JSON
  // itself so that a malformed body gets VirusTotal's error shape.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  installRequestRecording(app, recorder, API_PREFIX);
  installErrorHandlers(app, { echoHeaders: options.echoHeadersInErrors === true });
  registerControlRoutes(app, recorder);
  app.register(apiRoutes({ state, apiKeys: new Map(Object.entries(options.apiKeys)) }), { prefix: API_PREFIX });

  return {
    app,
    state,
    requests: () => recorder.recent(),
    requestCount: () => recorder.count(),
    resetStats: () => recorder.reset(),
  };
}
