import type { Request, Response } from 'express'

/**
 * The few pages Express answers itself, before React Router runs (rate limit,
 * bad URL, oversized body, crash). Plain HTML, readable on any phone; JSON for
 * clients that ask for it. Never a stack trace.
 */
export function sendStatusPage(
  req: Request,
  res: Response,
  status: number,
  page: { title: string; message: string },
): void {
  if (res.headersSent) return
  res.status(status).set('Cache-Control', 'no-store')
  if (req.accepts(['html', 'json']) === 'json') {
    res.json({ status, error: page.title, message: page.message, requestId: res.locals.requestId })
    return
  }
  const nonce = typeof res.locals.cspNonce === 'string' ? res.locals.cspNonce : ''
  res.type('html').send(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)}</title>
<style nonce="${nonce}">
body{font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;line-height:1.5;color:#1c1917;background:#fafaf9}
a{color:#1e3a8a}
</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
<p><a href="/">Go to the home page</a></p>
${res.locals.requestId ? `<p><small>Reference: ${escapeHtml(String(res.locals.requestId))}</small></p>` : ''}
</main>
</body>
</html>`)
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
}
