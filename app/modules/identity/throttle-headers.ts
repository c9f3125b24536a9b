import type { HeadersFunction } from 'react-router'

/**
 * React Router sends an action's headers only through the route's `headers`
 * export: routes whose actions can answer 429 re-export this so the
 * `Retry-After` of a throttled attempt reaches the browser.
 */
export const retryAfterHeaders: HeadersFunction = ({ actionHeaders }) => {
  const retryAfter = actionHeaders.get('Retry-After')
  return retryAfter ? { 'Retry-After': retryAfter } : new Headers()
}
