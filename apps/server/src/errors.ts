import { type ErrorBody, type ErrorCode, httpStatusOf } from '@tsudoi/protocol';

/**
 * The one error type handlers throw. It carries a stable `code` from the protocol's catalogue; the HTTP
 * and socket boundaries turn it into a status + {@link ErrorBody}. Anything else thrown becomes INTERNAL
 * without its message or stack reaching the client.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: Pick<ErrorBody, 'fields' | 'retryAfter'> = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'AppError';
  }

  get status(): number {
    return httpStatusOf(this.code);
  }

  toBody(): ErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }

  static badRequest(message: string, fields?: Record<string, string>): AppError {
    return new AppError(fields ? 'VALIDATION_FAILED' : 'BAD_REQUEST', message, fields ? { fields } : {});
  }
  static unauthenticated(message = 'Sign-in required.'): AppError {
    return new AppError('UNAUTHENTICATED', message);
  }
  static forbidden(message = 'Not allowed.'): AppError {
    return new AppError('FORBIDDEN', message);
  }
  /** Also used for resources of another workspace, so their existence is not revealed. */
  static notFound(message = 'Not found.'): AppError {
    return new AppError('NOT_FOUND', message);
  }
  static conflict(message: string): AppError {
    return new AppError('CONFLICT', message);
  }
  static rateLimited(retryAfterSeconds: number): AppError {
    return new AppError('RATE_LIMITED', 'Too many attempts. Try again later.', {
      retryAfter: Math.max(1, Math.ceil(retryAfterSeconds)),
    });
  }
}

/** The client-safe body for any thrown value. */
export function toErrorBody(err: unknown): ErrorBody {
  if (err instanceof AppError) return err.toBody();
  return { code: 'INTERNAL', message: 'Something went wrong on the server.' };
}
