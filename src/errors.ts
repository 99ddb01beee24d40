/**
 * The one catalogue of errors the gateway makes itself. Each has a stable gateway code (for logs and audit),
 * an HTTP status and the VirusTotal error code the client sees in `{"error":{"code","message"}}`.
 */
export const errorCatalogue = {
  GW_ERR_BAD_REQUEST: { status: 400, vtCode: 'BadRequestError' },
  GW_ERR_INVALID_ARGUMENT: { status: 400, vtCode: 'InvalidArgumentError' },
  GW_ERR_AUTH_REQUIRED: { status: 401, vtCode: 'AuthenticationRequiredError' },
  GW_ERR_WRONG_CREDENTIALS: { status: 401, vtCode: 'WrongCredentialsError' },
  GW_ERR_FORBIDDEN: { status: 403, vtCode: 'ForbiddenError' },
  GW_ERR_NOT_FOUND: { status: 404, vtCode: 'NotFoundError' },
  GW_ERR_RATE_LIMITED: { status: 429, vtCode: 'TooManyRequestsError' },
  GW_ERR_INTERNAL: { status: 500, vtCode: 'InternalError' },
  GW_ERR_UPSTREAM_UNREACHABLE: { status: 502, vtCode: 'BadGatewayError' },
  GW_ERR_UPSTREAM_BAD_RESPONSE: { status: 502, vtCode: 'BadGatewayError' },
  GW_ERR_UNAVAILABLE: { status: 503, vtCode: 'TransientError' },
  GW_ERR_UPSTREAM_TIMEOUT: { status: 504, vtCode: 'DeadlineExceededError' },
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
}

export interface VtErrorBody {
  error: { code: string; message: string };
}

export function vtErrorBody(vtCode: string, message: string): VtErrorBody {
  return { error: { code: vtCode, message } };
}
