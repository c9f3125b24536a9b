/**
 * Plain HTTP requests against a test server, the way a browser without
 * JavaScript makes them: redirects are not followed (the test reads them),
 * a form POST carries the site's Origin (server/app.ts refuses any other),
 * and a signed-in user is a session cookie taken from the login response.
 */

export const DEMO_PASSWORD = 'band-demo-2026'

export type Answer = { status: number; location: string | null; setCookies: string[] }

export type RequestOptions = {
  /** The `Cookie` header to send (from `signIn`). */
  cookie?: string
  /** Sent as application/x-www-form-urlencoded, with `Origin: <site origin>`. */
  form?: Record<string, string>
  method?: 'GET' | 'POST'
}

export async function request(baseUrl: string, path: string, options: RequestOptions = {}): Promise<Answer> {
  const method = options.method ?? (options.form ? 'POST' : 'GET')
  const headers: Record<string, string> = { accept: 'text/html' }
  if (options.cookie) headers.cookie = options.cookie
  let body: URLSearchParams | undefined
  if (method === 'POST') {
    headers.origin = new URL(baseUrl).origin
    body = new URLSearchParams(options.form ?? {})
  }
  const response = await fetch(new URL(path, baseUrl), { method, headers, body, redirect: 'manual' })
  // Read the page to the end so the connection is free for the next request.
  await response.arrayBuffer()
  return { status: response.status, location: response.headers.get('location'), setCookies: response.headers.getSetCookie() }
}

/** The `Cookie` header a browser would send after these Set-Cookie headers (cleared cookies left out). */
export function cookieHeaderFrom(setCookies: string[]): string {
  return setCookies
    .map((line) => line.split(';', 1)[0]?.trim() ?? '')
    .filter((pair) => /^[^=]+=.+/.test(pair))
    .join('; ')
}

/**
 * Signs in through the real login form and returns the session cookie.
 * Throws with what the server answered when the sign-in does not go through.
 */
export async function signIn(baseUrl: string, email: string, password = DEMO_PASSWORD): Promise<string> {
  const answer = await request(baseUrl, '/login', { form: { email, password, redirectTo: '/portal' } })
  const cookie = cookieHeaderFrom(answer.setCookies)
  if (answer.status !== 302 || answer.location !== '/portal' || !cookie) {
    throw new Error(`signing in as ${email} failed: ${answer.status} → ${answer.location ?? '(no Location)'}, cookies: ${answer.setCookies.length}`)
  }
  return cookie
}
