import { AppError } from '@clickstream/lambda-kit';

/** 409: the request is fine but the state it assumed has moved on (taken id, stale revision). */
export const conflict = (code: string, message: string, details?: unknown) => new AppError(409, code, message, { details });
