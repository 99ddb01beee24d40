// VirusTotal's error codes (reference/errors) and the error the simulator's handlers throw.

export type VtErrorCode =
  | 'BadRequestError'
  | 'InvalidArgumentError'
  | 'AuthenticationRequiredError'
  | 'WrongCredentialsError'
  | 'ForbiddenError'
  | 'NotFoundError'
  | 'AlreadyExistsError'
  | 'TransientError';

export class VtError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: VtErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'VtError';
  }
}

const FORBIDDEN_MESSAGE = 'You are not authorized to perform the requested operation';

export function badRequest(message: string): VtError {
  return new VtError(400, 'BadRequestError', message);
}

export function invalidArgument(message: string): VtError {
  return new VtError(400, 'InvalidArgumentError', message);
}

export function forbidden(): VtError {
  return new VtError(403, 'ForbiddenError', FORBIDDEN_MESSAGE);
}

export function notFound(message: string): VtError {
  return new VtError(404, 'NotFoundError', message);
}

export function alreadyExists(message: string): VtError {
  return new VtError(409, 'AlreadyExistsError', message);
}
