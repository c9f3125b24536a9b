import { redirect } from 'react-router'
import { z } from 'zod'
import { signedCookie } from './cookies.server.ts'
import type { Runtime } from './runtime.server.ts'

/**
 * Feedback after a redirect ("Invitation sent"): a one-time signed cookie set
 * by the action's redirect, read and cleared by the root loader, shown as a
 * polite live region. Works without JavaScript and across app instances.
 */
const ToastSchema = z.object({ kind: z.enum(['success', 'info', 'error']), message: z.string().max(500) })
export type Toast = z.infer<typeof ToastSchema>

function toastCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>) {
  return signedCookie(runtime, 'band_toast', 60)
}

/** `throw redirectWithToast(runtime, href('/admin/members'), 'Invitation sent')` */
export async function redirectWithToast(
  runtime: Pick<Runtime, 'config' | 'sessionSecret'>,
  to: string,
  message: string,
  options: { kind?: Toast['kind']; headers?: HeadersInit } = {},
): Promise<Response> {
  const headers = new Headers(options.headers)
  headers.append('Set-Cookie', await toastCookie(runtime).serialize({ kind: options.kind ?? 'success', message }))
  return redirect(to, { headers })
}

/** The toast of this request, if any, and the header that clears it. */
export async function readToast(
  runtime: Pick<Runtime, 'config' | 'sessionSecret'>,
  request: Request,
): Promise<{ toast: Toast | null; headers: Headers }> {
  const cookie = toastCookie(runtime)
  const parsed = ToastSchema.safeParse(await cookie.parse(request.headers.get('cookie')))
  const headers = new Headers()
  if (!parsed.success) return { toast: null, headers }
  headers.append('Set-Cookie', await cookie.serialize('', { maxAge: 0 }))
  return { toast: parsed.data, headers }
}
