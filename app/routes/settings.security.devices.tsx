import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, useNavigation } from 'react-router'
import { FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { revokeOtherOwnSessions, revokeOwnSession } from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { DevicesFormsSchema } from '#app/modules/identity/schema.ts'
import { listUserSessions } from '#app/modules/identity/sessions.server.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { getSiteFrame } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/settings.security.devices'

export const meta: Route.MetaFunction = () => [{ title: 'Your devices' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const [sessions, frame] = await Promise.all([listUserSessions(runtime.db, user.id), getSiteFrame(runtime)])
  const devices = sessions.map((session) => ({
    id: session.id,
    name: describeDevice(session.user_agent),
    ip: session.ip,
    signedIn: formatTimestamp(new Date(session.created_at), frame.band.timeZone),
    lastSeen: formatTimestamp(new Date(session.last_seen_at), frame.band.timeZone),
    current: session.id === user.sessionId,
  }))
  // This device first, then the others as recently seen.
  return { devices: [...devices.filter((device) => device.current), ...devices.filter((device) => !device.current)] }
}

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const submission = parseWithZod(await args.request.formData(), { schema: DevicesFormsSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const value = submission.value
  const audit = auditContextOf(args, user)
  const backHere = href('/settings/security/devices')

  if (value.intent === 'sign-out-others') {
    const ended = await revokeOtherOwnSessions(db, { userId: user.id, keepSessionId: user.sessionId, audit })
    const message = ended === 0 ? 'No other device was signed in.' : ended === 1 ? 'One other device was signed out.' : `${ended} other devices were signed out.`
    return redirectWithToast(runtime, backHere, message)
  }
  const refused = (message: string) => data({ result: submission.reply({ fieldErrors: { sessionId: [message] } }) }, { status: 400 })
  if (value.sessionId === user.sessionId) return refused('To end this session, use Sign out.')
  // Only the member's own sessions: someone else's id ends nothing and reads as "already ended".
  const ended = await revokeOwnSession(db, { userId: user.id, sessionId: value.sessionId, audit })
  return ended ? redirectWithToast(runtime, backHere, 'That device is signed out.') : refused('That session had already ended.')
}

export default function Devices({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  // Both forms are buttons with hidden fields: any error is about the whole list.
  const problems = Object.values(actionData?.result.error ?? {}).flatMap((messages) => messages ?? [])
  const others = loaderData.devices.filter((device) => !device.current).length
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Your devices</h1>
        <p className="text-stone-700">
          Every browser and device signed in to your account. If you do not recognise one, sign it out and change your password.
        </p>
      </div>
      {problems.length ? <FormAlert>{problems.join(' ')}</FormAlert> : null}

      <ul aria-label="Devices signed in" className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white shadow-sm">
        {loaderData.devices.map((device) => (
          <li key={device.id} className="flex flex-wrap items-center justify-between gap-3 p-4">
            <div className="min-w-0 space-y-1">
              <p className="flex flex-wrap items-center gap-2 font-medium">
                {device.name}
                {device.current ? <span className="rounded-full bg-brand-100 px-2.5 py-0.5 text-sm font-semibold text-brand-900">This device</span> : null}
              </p>
              <p className="text-sm text-stone-700">
                Last seen {device.lastSeen}
                {device.ip ? ` from ${device.ip}` : ''}
              </p>
              <p className="text-sm text-stone-700">Signed in {device.signedIn}</p>
            </div>
            {device.current ? null : (
              <Form method="post">
                <input type="hidden" name="intent" value="sign-out-device" />
                <input type="hidden" name="sessionId" value={device.id} />
                <button type="submit" disabled={busy} className="rounded border border-stone-400 px-3 py-2 font-medium hover:bg-stone-100 disabled:opacity-60">
                  Sign out<span className="sr-only"> {device.name}</span>
                </button>
              </Form>
            )}
          </li>
        ))}
      </ul>

      {others > 0 ? (
        <section aria-labelledby="everywhere-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
          <h2 id="everywhere-heading" className="text-xl font-semibold">
            Sign out everywhere else
          </h2>
          <p>
            Ends the {others === 1 ? 'other session' : `${others} other sessions`} at once; this device stays signed in. Useful after losing a
            phone or signing in on a shared computer.
          </p>
          <Form method="post">
            <input type="hidden" name="intent" value="sign-out-others" />
            <SubmitButton disabled={busy}>Sign out everywhere else</SubmitButton>
          </Form>
        </section>
      ) : (
        <p className="text-stone-700">You are not signed in anywhere else.</p>
      )}
    </div>
  )
}

function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  const browser = /Firefox\//.test(userAgent) ? 'Firefox' : /Edg\//.test(userAgent) ? 'Edge' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser'
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : ''
  return system ? `${browser} on ${system}` : browser
}
