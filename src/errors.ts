/**
 * The one catalogue of errors the gateway makes itself, and the only place that builds an error body. Each error has
 * a stable gateway code (recorded in the audit line and in metrics), an HTTP status and the VirusTotal error code
 * the client sees in `{"error":{"code","message"}}`. Several gateway codes share a VirusTotal code; the gateway code
 * tells them apart.
 */
const errorCatalogue = {
  GW_ERR_BAD_REQUEST: { status: 400, vtCode: 'BadRequestError' },
  GW_ERR_INVALID_ARGUMENT: { status: 400, vtCode: 'InvalidArgumentError' },
  GW_ERR_AUTH_REQUIRED: { status: 401, vtCode: 'AuthenticationRequiredError' },
  GW_ERR_WRONG_CREDENTIALS: { status: 401, vtCode: 'WrongCredentialsError' },
  GW_ERR_FORBIDDEN: { status: 403, vtCode: 'ForbiddenError' },
  GW_ERR_NOT_FOUND: { status: 404, vtCode: 'NotFoundError' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, vtCode: 'NotFoundError' },
  GW_ERR_NOT_ACCEPTABLE: { status: 406, vtCode: 'BadRequestError' },
  GW_ERR_PRECONDITION_FAILED: { status: 412, vtCode: 'BadRequestError' },
  GW_ERR_RANGE_NOT_SATISFIABLE: { status: 416, vtCode: 'BadRequestError' },
  GW_ERR_RATE_LIMITED: { status: 429, vtCode: 'TooManyRequestsError' },
  GW_ERR_INTERNAL: { status: 500, vtCode: 'InternalError' },
  GW_ERR_UPSTREAM_UNREACHABLE: { status: 502, vtCode: 'BadGatewayError' },
  GW_ERR_UPSTREAM_BAD_RESPONSE: { status: 502, vtCode: 'BadGatewayError' },
  GW_ERR_CIRCUIT_OPEN: { status: 503, vtCode: 'TransientError' },
  GW_ERR_RATE_LIMIT_STORE_UNAVAILABLE: { status: 503, vtCode: 'TransientError' },
  GW_ERR_AUDIT_UNAVAILABLE: { status: 503, vtCode: 'TransientError' },
  GW_ERR_OVERLOADED: { status: 503, vtCode: 'TransientError' },
  GW_ERR_SHUTTING_DOWN: { status: 503, vtCode: 'TransientError' },
  GW_ERR_KEY_OWNER_UNKNOWN: { status: 503, vtCode: 'TransientError' },
  GW_ERR_UPSTREAM_BUSY: { status: 503, vtCode: 'TransientError' },
  GW_ERR_UPSTREAM_TIMEOUT: { status: 504, vtCode: 'DeadlineExceededError' },
  // nginx's status for a caller that hung up: nobody reads this answer, the audit line tells it.
  GW_ERR_CALLER_GONE: { status: 499, vtCode: 'CancelledError' },
  // Sent, if at all, only when nothing of the answer has left yet; the audit line tells it.
  GW_ERR_CALLER_TOO_SLOW: { status: 408, vtCode: 'DeadlineExceededError' },
} as const satisfies Record<string, { status: number; vtCode: string }>;

export type GatewayErrorCode = keyof typeof errorCatalogue;

export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly statusCode: number;
  readonly vtCode: string;
  readonly headers: Readonly<Record<string, string>>;

  constructor(code: GatewayErrorCode, message: string, headers: Record<string, string> = {}) {
    super(message);
    this.name = 'GatewayError';
    this.code = code;
    this.statusCode = errorCatalogue[code].status;
    this.vtCode = errorCatalogue[code].vtCode;
    this.headers = headers;
  }

  /** The body every channel answers with: VirusTotal's error shape. */
  body(): VtErrorBody {
    return { error: { code: this.vtCode, message: this.message } };
  }

  json(): string {
    return JSON.stringify(this.body());
  }
}

export interface VtErrorBody {
  error: { code: string; message: string };
}

/** The answer given when a request's audit line could not be written: nothing is reported as done. */
export const auditUnavailable = (): GatewayError =>
  new GatewayError('GW_ERR_AUDIT_UNAVAILABLE', 'The audit log could not be written; nothing was recorded as done', { 'retry-after': '5' });

/** The caller hung up before its request was written to VirusTotal: nothing was sent on its behalf. */
export function callerGone(): GatewayError {
  return new GatewayError('GW_ERR_CALLER_GONE', 'The caller hung up before its request was sent to VirusTotal');
}

/** Every connection to VirusTotal stayed busy for as long as a call may wait for one: it was never sent. */
export function upstreamBusy(waitedMs: number): GatewayError {
  return new GatewayError('GW_ERR_UPSTREAM_BUSY', `No connection to VirusTotal came free within ${waitedMs} ms; the request was not sent`, {
    'retry-after': '1',
  });
}

/** The caller left a streamed answer unread for longer than CALLER_READ_TIMEOUT_MS: it was cut off. */
export function callerTooSlow(limitMs: number): GatewayError {
  return new GatewayError('GW_ERR_CALLER_TOO_SLOW', `The caller read none of the answer for ${limitMs} ms; the answer was cut off`);
}

/** The catalogue code that answers with `status`, for errors raised by plugins with a status of their own. */
export function codeForClientStatus(status: number): GatewayErrorCode | undefined {
  for (const [code, entry] of Object.entries(errorCatalogue)) {
    if (entry.status === status && isGatewayErrorCode(code)) return code;
  }
  return undefined;
}

function isGatewayErrorCode(code: string): code is GatewayErrorCode {
  return code in errorCatalogue;
}

const REASONS: Readonly<Record<number, string>> = { 400: 'Bad Request', 404: 'Not Found', 405: 'Method Not Allowed', 503: 'Service Unavailable' };

/** A whole HTTP/1.1 answer written straight to a socket, for requests refused before any server object exists. */
export function rawHttpAnswer(err: GatewayError): string {
  const body = err.json();
  const reason = REASONS[err.statusCode] ?? 'Error';
  return `HTTP/1.1 ${err.statusCode} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`;
}
