import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { demoSeed } from './demo-seed.js';
import { VtError } from './errors.js';
import type { SimulatorSeed, SimulatorState } from './model.js';
import { sendError, type ErrorReplyOptions } from './replies.js';
import { RequestRecorder, type RecordedRequest } from './request-recorder.js';
import { API_PREFIX, apiRoutes } from './routes/api.js';
import { registerControlRoutes } from './routes/control.js';
import { createState } from './state.js';

export {
  DEMO_ADMIN_USER,
  DEMO_GROUP_ID,
  DEMO_THREAT_PROFILE_ID,
  demoSeed,
  OTHER_GROUP_ID,
  PRIVATE_THREAT_PROFILE_ID,
} from './demo-seed.js';
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

function isApiRequest(request: FastifyRequest): boolean {
  return request.url === API_PREFIX || request.url.startsWith(`${API_PREFIX}/`) || request.url.startsWith(`${API_PREFIX}?`);
}

function installRecording(app: FastifyInstance, recorder: RequestRecorder): void {
  const records = new WeakMap<FastifyRequest, RecordedRequest>();
  app.addHook('onRequest', async (request) => {
    if (isApiRequest(request)) records.set(request, recorder.start(request));
  });
  app.addHook('preHandler', async (request) => {
    const record = records.get(request);
    if (record !== undefined && typeof request.body === 'string') record.body = request.body;
  });
}

function installErrorReplies(app: FastifyInstance, options: ErrorReplyOptions): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    if (error instanceof VtError) {
      return sendError(request, reply, error.statusCode, error.code, error.message, options);
    }
    const statusCode = (error as { statusCode?: unknown } | null)?.statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      const message = error instanceof Error ? error.message : 'Bad request';
      return sendError(request, reply, statusCode, 'BadRequestError', message, options);
    }
    request.log.error(error);
    return sendError(request, reply, 503, 'TransientError', 'The simulator failed to handle the request', options);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? request.url;
    return sendError(request, reply, 404, 'NotFoundError', `Resource "${request.method} ${path}" not found`, options);
  });
}

export function buildSimulator(options: SimulatorOptions): Simulator {
  const state = createState(options.seed ?? demoSeed());
  const recorder = new RequestRecorder(RECORDED_REQUESTS);
  const app = Fastify({ logger: false });

  // Bodies reach the handlers as text: the recorder keeps them verbatim, and each route parses JSON
  // itself so that a malformed body gets VirusTotal's error shape.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  installRecording(app, recorder);
  installErrorReplies(app, { echoHeaders: options.echoHeadersInErrors === true });
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
