import type { ProblemDetails } from '@ccri/contracts';

/** Field name → message, from the `errors` member of a problem details body. */
export type FieldErrors = Readonly<Record<string, string>>;

const STATUS_MESSAGES: Record<number, string> = {
  0: 'Cannot reach the server. Check your connection and try again.',
  400: 'The request was not accepted.',
  401: 'Your session has expired. Please sign in again.',
  403: 'You are not allowed to do that.',
  404: 'Not found.',
  409: 'That conflicts with the current state. Reload and try again.',
  429: 'Too many requests. Wait a moment and try again.',
};

function fallbackMessage(status: number): string {
  return (
    STATUS_MESSAGES[status] ??
    (status >= 500 ? 'The server had a problem. Try again later.' : `The request failed (HTTP ${status}).`)
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads an RFC 9457 problem details body. Anything else JSON-shaped with a message (a framework's default error)
 * is turned into the same shape, so callers deal with one kind of error.
 */
export function toProblemDetails(body: unknown, status: number): ProblemDetails | null {
  if (!isRecord(body)) return null;
  const errors = Array.isArray(body.errors)
    ? body.errors.filter(
        (e): e is { field: string; message: string } =>
          isRecord(e) && typeof e.field === 'string' && typeof e.message === 'string',
      )
    : undefined;
  const message = Array.isArray(body.message)
    ? body.message.filter((m) => typeof m === 'string').join('; ')
    : body.message;
  const detail = typeof body.detail === 'string' ? body.detail : typeof message === 'string' ? message : undefined;
  const title = typeof body.title === 'string' ? body.title : typeof body.error === 'string' ? body.error : undefined;
  if (title === undefined && detail === undefined && errors === undefined) return null;
  return {
    type: typeof body.type === 'string' ? body.type : 'about:blank',
    title: title ?? fallbackMessage(status),
    status: typeof body.status === 'number' ? body.status : status,
    ...(detail !== undefined && { detail }),
    ...(typeof body.instance === 'string' && { instance: body.instance }),
    ...(typeof body.code === 'string' && { code: body.code }),
    ...(errors !== undefined && { errors }),
  };
}

/** A failed management API call: the HTTP status, the problem details when the server sent them, and field messages. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  readonly fieldErrors: FieldErrors;

  constructor(
    readonly status: number,
    readonly problem: ProblemDetails | null = null,
  ) {
    super(problem?.detail ?? problem?.title ?? fallbackMessage(status));
    const fields: Record<string, string> = {};
    for (const { field, message } of problem?.errors ?? []) {
      fields[field] = fields[field] ? `${fields[field]} ${message}` : message;
    }
    this.fieldErrors = fields;
  }

  /** The network failed or the server could not be reached: no HTTP answer at all. */
  static network(): ApiError {
    return new ApiError(0);
  }

  static async fromResponse(response: Response): Promise<ApiError> {
    let body: unknown = null;
    if (/\bjson\b/i.test(response.headers.get('content-type') ?? '')) {
      try {
        body = await response.json();
      } catch {
        body = null;
      }
    }
    return new ApiError(response.status, toProblemDetails(body, response.status));
  }
}

/** A message fit to show a person, whatever was thrown. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) return error.message;
  return 'Something went wrong. Try again.';
}
