/**
 * The one error type handlers throw on purpose: a stable `code` for machines, a message for the
 * client, and the cause for the logs only.
 */
export class AppError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  /** Response headers the error answer must carry too (CORS, so a browser can read the reason; Allow). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(
    status: number,
    code: string,
    message: string,
    options: { cause?: unknown; details?: unknown; headers?: Record<string, string> } = {},
  ) {
    super(message, { cause: options.cause });
    this.name = 'AppError';
    this.status = status;
    this.code = code;
    this.details = options.details;
    this.headers = options.headers ?? {};
  }

  /** The same error, answering with `headers` added. */
  withHeaders(headers: Record<string, string>): AppError {
    return new AppError(this.status, this.code, this.message, { cause: this.cause, details: this.details, headers: { ...this.headers, ...headers } });
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new AppError(400, code, message, { details });
export const unauthorized = (message = 'Sign in first.') => new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (code: string, message: string) => new AppError(403, code, message);
export const notFound = (message = 'No such resource.') => new AppError(404, 'NOT_FOUND', message);
export const methodNotAllowed = (allowed: readonly string[]) =>
  new AppError(405, 'METHOD_NOT_ALLOWED', `Method not allowed; use ${allowed.join(', ')}.`, { details: { allowed }, headers: { allow: allowed.join(', ') } });
export const payloadTooLarge = (message: string) => new AppError(413, 'PAYLOAD_TOO_LARGE', message);
export const serviceUnavailable = (code: string, message: string, cause?: unknown) =>
  new AppError(503, code, message, { cause });

/** A delivered event that does not satisfy its contract: retrying cannot help, so it goes to the DLQ. */
export class ContractViolation extends Error {
  constructor(
    readonly detailType: string,
    readonly issues: unknown,
  ) {
    super(`event does not satisfy contract ${detailType}`);
    this.name = 'ContractViolation';
  }
}
