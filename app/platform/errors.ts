import { data } from 'react-router'

/**
 * The one error shape of the app. `status` is the HTTP status it becomes,
 * `message` is written for the band member who sees it, `cause` is for the
 * log only. Thrown from a loader or action it becomes the route's error
 * response (see `toErrorResponse`); services throw it for expected refusals.
 */
export class AppError extends Error {
  readonly status: number
  constructor(status: number, message: string, options: { cause?: unknown } = {}) {
    super(message, options)
    this.name = 'AppError'
    this.status = status
  }
}

/** The thrown response of an error page: status plus the user-facing message, never the cause. */
export function toErrorResponse(error: AppError) {
  return data({ reason: 'app-error', message: error.message }, { status: error.status })
}

/** Throws a 404 page. For an id or slug that names nothing. */
export function notFound(message = 'We could not find that page. It may have moved, or the link may be mistyped.'): never {
  throw data({ reason: 'not-found', message }, { status: 404 })
}

/**
 * `invariantResponse(piece, 404)`: narrows `value` to truthy, or throws an
 * error page with the status (and message) given.
 */
export function invariantResponse<T>(value: T, status: number, message?: string): asserts value {
  if (!value) throw data({ reason: 'invariant', message: message ?? null }, { status })
}

/** What the log keeps of a failure: name, message and code of it and its causes; no stack. */
export function describeFailure(error: unknown, depth = 0): Record<string, unknown> {
  if (!(error instanceof Error)) return { message: String(error) }
  const code = (error as { code?: unknown }).code
  return {
    name: error.name,
    message: error.message,
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(error instanceof AppError ? { status: error.status } : {}),
    ...(error.cause !== undefined && depth < 3 ? { cause: describeFailure(error.cause, depth + 1) } : {}),
  }
}
