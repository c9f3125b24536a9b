/**
 * A browser without JavaScript, for HTTP-level tests against a test server:
 * it keeps cookies (and drops them when the server clears them), sends
 * `Origin: <site>` with every POST the way browsers do for forms, and never
 * follows a redirect by itself, so a test reads each one; `follow(answer)`
 * then goes where a redirect points, as a browser would.
 *
 *   const browser = new BrowserSession(server.url)
 *   const answer = await browser.signIn('musician@example.org')
 *   expect((await browser.get('/portal')).status).toBe(200)
 *
 *   const saved = await browser.post('/settings/security/email', fields)
 *   expect(saved.location).toBe('/settings/security')
 *   expect((await browser.follow(saved)).toast).toBe('Your email address is now …')
 */

export const DEMO_PASSWORD = 'band-demo-2026'

export type Page = {
  /** The path (and query) asked for. */
  url: string
  status: number
  headers: Headers
  /** The Location header, for redirects. */
  location: string | null
  html: string
  /** The visible text of <main> (the whole body when there is none), tags stripped. */
  text: string
  /** The messages of error alerts and field errors, in page order. */
  errors: string[]
  /** The one-time message after a redirect (the root layout's polite live region), or null. */
  toast: string | null
}

export type PostOptions = {
  /** The Origin header: the site's own by default; `null` sends none. */
  origin?: string | null
  headers?: Record<string, string>
}

type Cookie = { value: string; expires: number | null }

export type BrowserOptions = {
  /**
   * Sent as X-Forwarded-For, which the server believes only when it runs with
   * TRUST_PROXY=1: it lets one test file act as several clients.
   */
  ip?: string
  userAgent?: string
  /** The site's origin as the browser sees it (PUBLIC_URL when set); the server's address by default. */
  origin?: string
  /** `__Host-band_session` when the site is served over HTTPS. */
  sessionCookie?: string
  /** Sent with every request, e.g. the X-Forwarded-* headers a TLS-terminating proxy adds. */
  headers?: Record<string, string>
}

export class BrowserSession {
  readonly baseUrl: string
  readonly origin: string
  readonly sessionCookie: string
  private readonly jar = new Map<string, Cookie>()
  private readonly extraHeaders: Record<string, string>

  constructor(baseUrl: string, options: BrowserOptions = {}) {
    this.baseUrl = baseUrl
    this.origin = options.origin ?? new URL(baseUrl).origin
    this.sessionCookie = options.sessionCookie ?? 'band_session'
    this.extraHeaders = {
      'user-agent': options.userAgent ?? 'Mozilla/5.0 (X11; Linux x86_64) Firefox/140.0',
      ...(options.ip ? { 'x-forwarded-for': options.ip } : {}),
      ...options.headers,
    }
  }

  async get(path: string, headers: Record<string, string> = {}): Promise<Page> {
    return this.send(path, { method: 'GET', headers })
  }

  /** A form POST (application/x-www-form-urlencoded), as a plain <form> sends it. */
  async post(path: string, fields: Record<string, string>, options: PostOptions = {}): Promise<Page> {
    const origin = options.origin === undefined ? this.origin : options.origin
    return this.send(path, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(origin === null ? {} : { origin }),
        ...options.headers,
      },
      body: new URLSearchParams(fields).toString(),
    })
  }

  /** A multipart POST (files and fields), as a <form enctype="multipart/form-data"> sends it; fetch writes the boundary. */
  async postMultipart(path: string, form: FormData, options: PostOptions & { signal?: AbortSignal } = {}): Promise<Page> {
    const origin = options.origin === undefined ? this.origin : options.origin
    return this.send(path, { method: 'POST', headers: { ...(origin === null ? {} : { origin }), ...options.headers }, body: form, signal: options.signal })
  }

  /**
   * Where a redirect leads: GETs each Location in turn (cookies kept, so a
   * toast set by the redirect shows on the page it leads to), up to `maxHops`.
   * An answer that is not a redirect comes back unchanged.
   */
  async follow(answer: Page, maxHops = 5): Promise<Page> {
    let page = answer
    for (let hop = 0; page.location && page.status >= 300 && page.status < 400; hop++) {
      if (hop === maxHops) throw new Error(`more than ${maxHops} redirects from ${answer.url}`)
      // Locations are read as the browser would, against the site's origin; the request still goes to the test server.
      const target = new URL(page.location, new URL(page.url, this.origin))
      if (target.origin !== this.origin) throw new Error(`${page.url} redirects off the site, to ${page.location}`)
      page = await this.get(`${target.pathname}${target.search}`)
    }
    return page
  }

  /** Posts the login form. Does not check the outcome: see `signIn`. */
  login(email: string, password = DEMO_PASSWORD, redirectTo?: string): Promise<Page> {
    return this.post('/login', { email, password, ...(redirectTo === undefined ? {} : { redirectTo }) })
  }

  /** Signs in with a password only; throws with the server's answer when that does not end in /portal. */
  async signIn(email: string, password = DEMO_PASSWORD): Promise<Page> {
    const page = await this.login(email, password)
    if (page.status !== 302 || page.location !== '/portal' || !this.cookie(this.sessionCookie)) {
      throw new Error(`signing in as ${email} failed: ${page.status} → ${page.location ?? '(no Location)'} ${page.errors.join(' ')}`)
    }
    return page
  }

  /** Whether the server sees this browser as signed in (GET /portal answers 200, not a redirect to /login). */
  async isSignedIn(): Promise<boolean> {
    const page = await this.get('/portal')
    if (page.status === 200) return true
    if (page.status === 302 && page.location?.startsWith('/login')) return false
    throw new Error(`GET /portal answered ${page.status} (${page.location ?? 'no Location'})`)
  }

  cookie(name: string): string | undefined {
    const cookie = this.jar.get(name)
    if (!cookie) return undefined
    if (cookie.expires !== null && cookie.expires <= Date.now()) {
      this.jar.delete(name)
      return undefined
    }
    return cookie.value
  }

  setCookie(name: string, value: string): void {
    this.jar.set(name, { value, expires: null })
  }

  clearCookies(): void {
    this.jar.clear()
  }

  /** The Cookie header this browser sends now. */
  cookieHeader(): string {
    return [...this.jar.keys()]
      .map((name) => [name, this.cookie(name)] as const)
      .filter((entry): entry is readonly [string, string] => entry[1] !== undefined)
      .map(([name, value]) => `${name}=${value}`)
      .join('; ')
  }

  private async send(path: string, init: { method: string; headers: Record<string, string>; body?: string | FormData; signal?: AbortSignal }): Promise<Page> {
    const cookie = this.cookieHeader()
    const response = await fetch(new URL(path, this.baseUrl), {
      method: init.method,
      redirect: 'manual',
      headers: { accept: 'text/html', ...this.extraHeaders, ...(cookie ? { cookie } : {}), ...init.headers },
      body: init.body,
      signal: init.signal,
    })
    const html = await response.text()
    for (const line of response.headers.getSetCookie()) this.store(line)
    const url = new URL(path, this.baseUrl)
    return {
      url: `${url.pathname}${url.search}`,
      status: response.status,
      headers: response.headers,
      location: response.headers.get('location'),
      html,
      text: mainText(html),
      errors: formErrors(html),
      toast: toastText(html),
    }
  }

  private store(line: string): void {
    const [pair = '', ...attributes] = line.split(';')
    const at = pair.indexOf('=')
    if (at < 1) return
    const name = pair.slice(0, at).trim()
    const value = pair.slice(at + 1).trim()
    let expires: number | null = null
    for (const attribute of attributes) {
      const [key = '', raw = ''] = attribute.split('=', 2).map((part) => part.trim())
      if (key.toLowerCase() === 'max-age') expires = Date.now() + Number(raw) * 1000
      else if (key.toLowerCase() === 'expires' && expires === null) expires = Date.parse(raw)
    }
    if (!value || (expires !== null && expires <= Date.now())) this.jar.delete(name)
    else this.jar.set(name, { value, expires })
  }
}

/** Visible text of an HTML fragment: tags gone, entities decoded, white space collapsed. */
export function htmlToText(html: string): string {
  return decodeEntities(
    html
      .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ')
      .replace(/<[^>]+>/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim()
}

/** The text of the page's <main>, or of the whole page when it has none. */
export function mainText(html: string): string {
  const main = /<main\b[^>]*>([\s\S]*?)<\/main>/i.exec(html)
  return htmlToText(main?.[1] ?? html)
}

/** Error alerts (role="alert") and field error lists (id="…-error"), as text. */
export function formErrors(html: string): string[] {
  const found: string[] = []
  for (const match of html.matchAll(/<div[^>]*role="alert"[^>]*>([\s\S]*?)<\/div>|<ul[^>]*id="[^"]*-error"[^>]*>([\s\S]*?)<\/ul>/g)) {
    const text = htmlToText(match[1] ?? match[2] ?? '')
    if (text) found.push(text)
  }
  return found
}

/** The toast (ToastMessage in app/components/toast.tsx): the text of the polite live region, or null when there is none. */
export function toastText(html: string): string | null {
  const region = /<([a-z]+)\b[^>]*\baria-live="polite"[^>]*>([\s\S]*?)<\/\1>/i.exec(html)
  return htmlToText(region?.[2] ?? '') || null
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' }
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity, body: string) => {
    if (body.startsWith('#x') || body.startsWith('#X')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16))
    if (body.startsWith('#')) return String.fromCodePoint(Number(body.slice(1)))
    return named[body.toLowerCase()] ?? entity
  })
}
