import type { FastifyInstance, FastifyRequest } from 'fastify';

export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Counts API requests and keeps the most recent ones, so tests can see exactly what reached "VirusTotal". */
export class RequestRecorder {
  readonly #capacity: number;
  #count = 0;
  #recent: RecordedRequest[] = [];

  constructor(capacity: number) {
    this.#capacity = capacity;
  }

  /** Called when a request arrives; the body is filled in once it has been read. */
  start(request: FastifyRequest): RecordedRequest {
    const record: RecordedRequest = {
      method: request.method,
      url: request.url,
      headers: { ...request.headers },
      body: '',
    };
    this.#count += 1;
    this.#recent.push(record);
    if (this.#recent.length > this.#capacity) this.#recent.shift();
    return record;
  }

  count(): number {
    return this.#count;
  }

  recent(): readonly RecordedRequest[] {
    return [...this.#recent];
  }

  reset(): void {
    this.#count = 0;
    this.#recent = [];
  }
}

function isApiRequest(url: string, prefix: string): boolean {
  return url === prefix || url.startsWith(`${prefix}/`) || url.startsWith(`${prefix}?`);
}

/** Records every request whose URL starts with `prefix`, including the ones that fail. */
export function installRequestRecording(app: FastifyInstance, recorder: RequestRecorder, prefix: string): void {
  const records = new WeakMap<FastifyRequest, RecordedRequest>();
  app.addHook('onRequest', async (request) => {
    if (isApiRequest(request.url, prefix)) records.set(request, recorder.start(request));
  });
  app.addHook('preHandler', async (request) => {
    const record = records.get(request);
    if (record !== undefined && typeof request.body === 'string') record.body = request.body;
  });
}
