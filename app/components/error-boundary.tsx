import { isRouteErrorResponse, useRouteError } from 'react-router'

const messages: Record<number, { title: string; message: string }> = {
  400: { title: 'Bad request', message: 'Something in that request was not right. Please check it and try again.' },
  403: { title: 'Not allowed', message: 'Your account does not have access to this page. Ask a band admin if you think it should.' },
  404: { title: 'Page not found', message: 'We could not find that page. It may have moved, or the link may be mistyped.' },
  429: { title: 'Too many requests', message: 'Please wait a moment and try again.' },
  503: {
    title: 'Temporarily unavailable',
    message: 'The site cannot reach its database right now. Please try again in a minute; nothing you saved is lost.',
  },
}
export const fallbackError = { title: 'Something went wrong', message: 'Sorry, something went wrong on our side. Please try again in a moment.' }

/** Title and message for an error, by its HTTP status. */
export function describeError(error: unknown): { status: number; title: string; message: string } {
  const status = isRouteErrorResponse(error) ? error.status : 500
  const known = messages[status] ?? fallbackError
  // notFound('There is no such message') and friends may say more than the status does.
  const specific = isRouteErrorResponse(error) ? (error.data as { message?: unknown } | null)?.message : undefined
  return { status, title: known.title, message: typeof specific === 'string' && specific ? specific : known.message }
}

/**
 * The page a visitor sees when something fails, in the band's words. It never
 * shows a stack trace: React Router replaces server errors with a generic one
 * in production, and we show details only in development.
 */
export function GeneralErrorBoundary() {
  const error = useRouteError()
  const { status, title, message } = describeError(error)
  return (
    <div className="space-y-4">
      <p className="text-sm font-semibold text-brand-700">Error {status}</p>
      <h1 className="text-3xl font-bold">{title}</h1>
      <p className="text-lg">{message}</p>
      <p>
        <a href="/" className="text-brand-800 underline">
          Go to the home page
        </a>
      </p>
      {import.meta.env.DEV && error instanceof Error ? (
        <pre className="overflow-auto rounded bg-stone-100 p-4 text-xs">{error.stack}</pre>
      ) : null}
    </div>
  )
}
