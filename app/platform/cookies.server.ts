import { createCookie } from 'react-router'
import type { Runtime } from './runtime.server.ts'

/**
 * Every cookie the app sets: HTTP-only, SameSite=Lax, signed with the
 * runtime's secret, and `__Host-` + Secure when the site is served over HTTPS
 * (ASVS 3.3).
 */
export function signedCookie(runtime: Pick<Runtime, 'config' | 'sessionSecret'>, name: string, maxAgeSeconds: number) {
  const secure = runtime.config.publicUrl?.startsWith('https:') ?? false
  return createCookie(secure ? `__Host-${name}` : name, {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: maxAgeSeconds,
    secrets: [runtime.sessionSecret],
  })
}
