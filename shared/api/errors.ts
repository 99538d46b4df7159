/** Errors cross every boundary as data: {error:{code,message,details}}. */
export const ERROR_CODES = {
  VALIDATION: 422,
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNKNOWN_OPERATION: 404,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;
export type ErrorCode = keyof typeof ERROR_CODES;

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. "model.tiers.1.upTo". */
  path: string;
  message: string;
  code?: string;
}

export interface ApiErrorBody {
  code: ErrorCode;
  message: string;
  details?: { fields?: FieldIssue[]; [k: string]: unknown };
}

export interface ApiErrorEnvelope {
  error: ApiErrorBody;
}

/** A domain error thrown by services; converted to an ApiErrorEnvelope at the boundary. */
export class AppError extends Error {
  constructor(
    public readonly code: ErrorCode,
    message: string,
    public readonly details?: ApiErrorBody['details'],
  ) {
    super(message);
    this.name = 'AppError';
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) };
  }
  static validation(path: string, message: string): AppError {
    return new AppError('VALIDATION', `${path}: ${message}`, { fields: [{ path, message }] });
  }
  static notFound(what: string, id: string): AppError {
    return new AppError('NOT_FOUND', `${what} ${id} not found`, { entity: what, id });
  }
  static conflict(message: string, details?: ApiErrorBody['details']): AppError {
    return new AppError('CONFLICT', message, details);
  }
}

export const httpStatusOf = (code: ErrorCode): number => ERROR_CODES[code] ?? 500;

export function isErrorEnvelope(v: unknown): v is ApiErrorEnvelope {
  return typeof v === 'object' && v !== null && 'error' in v && typeof (v as ApiErrorEnvelope).error?.code === 'string';
}
