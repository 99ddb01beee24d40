import type { FastifyInstance } from 'fastify';
import type { RequestRecorder } from '../request-recorder.js';
import { sendJson } from '../replies.js';

const CONTROL_PREFIX = '/_simulator';

/** Routes for test harnesses, outside the VirusTotal API and without an API key. */
export function registerControlRoutes(app: FastifyInstance, recorder: RequestRecorder): void {
  app.get(`${CONTROL_PREFIX}/stats`, async (_request, reply) => sendJson(reply, { requests: recorder.count() }));
  app.post(`${CONTROL_PREFIX}/reset-stats`, async (_request, reply) => {
    recorder.reset();
    return sendJson(reply, { requests: recorder.count() });
  });
}
