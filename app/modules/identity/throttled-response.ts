import { data, type HeadersFunction } from 'react-router'

/** The words a throttled visitor reads. */
export function tooManyAttempts(seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return `Too many attempts. Please wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`
}

/** A throttled form: 429 with `Retry-After`, and the form back with the message (ASVS 6.3.1). */
export function throttledResponse<Body>(body: Body, retryAfterSeconds: number) {
  return data(body, { status: 429, headers: { 'Retry-After': String(retryAfterSeconds) } })
}

/** A refused form: 429 with `Retry-After` when the refusal was a throttle, else 400. */
export function refusedForm<Body>(body: Body, retryAfterSeconds?: number) {
  return retryAfterSeconds ? throttledResponse(body, retryAfterSeconds) : data(body, { status: 400 })
}

/**
 * React Router sends an action's headers only through the route's `headers`
 * export: routes whose actions can answer 429 re-export this so the
 * `Retry-After` of a throttled attempt reaches the browser.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}
