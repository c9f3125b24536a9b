import { data, type MiddlewareFunction } from 'react-router'

// Forms up to this size are read once up front; bigger bodies are uploads,
// which their routes stream and check themselves.
const CHECKED_UP_TO_BYTES = 1024 * 1024

/**
 * Root middleware: a form body that cannot be read (a truncated or malformed
 * multipart body, a missing boundary) is answered 400 before any action runs,
 * instead of failing as a 500 inside it.
 */
export const rejectUnreadableForms: MiddlewareFunction<Response> = async ({ request }, next) => {
  if (['GET', 'HEAD', 'OPTIONS'].includes(request.method)) return next()
  const length = Number(request.headers.get('content-length') ?? 0)
  if (length <= CHECKED_UP_TO_BYTES) {
    try {
      await request.clone().formData()
    } catch {
      throw data({ reason: 'bad-form' }, { status: 400 })
    }
  }
  return next()
}
