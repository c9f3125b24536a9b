import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, redirect, useNavigation } from 'react-router'
import { Field, FormAlert, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import {
  beginMfaEnrolment,
  changeEmail,
  changePassword,
  finishMfaEnrolment,
  removeMfa,
  replaceRecoveryCodes,
  revokeOtherOwnSessions,
  revokeOwnSession,
} from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { countUnusedRecoveryCodes } from '#app/modules/identity/recovery-codes.server.ts'
import { SecuritySettingsSchema } from '#app/modules/identity/schema.ts'
import { listUserSessions } from '#app/modules/identity/sessions.server.ts'
import { describePendingTotp, getTotpState, type TotpEnrolment } from '#app/modules/identity/totp.server.ts'
import { getSiteFrame } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/settings.security'

export const meta: Route.MetaFunction = () => [{ title: 'Security settings' }]

export async function loader(args: Route.LoaderArgs) {
  const { request } = args
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const [sessions, totp, recoveryCodesLeft, frame] = await Promise.all([
    listUserSessions(runtime.db, user.id),
    getTotpState(runtime.db, user.id),
    countUnusedRecoveryCodes(runtime.db, user.id),
    getSiteFrame(runtime),
  ])
  const pending = totp === 'pending'
    ? await describePendingTotp(runtime.db, { userId: user.id, accountName: user.email, issuer: frame.band.name, appSecret: runtime.sessionSecret })
    : null
  return {
    email: user.email,
    timeZone: frame.band.timeZone,
    currentSessionId: user.sessionId,
    sessions,
    mfa: totp === 'on' ? ('on' as const) : ('off' as const),
    pendingEnrolment: pending,
    recoveryCodesLeft,
    mfaRequired: new URL(request.url).searchParams.has('setup-mfa'),
  }
}

type ActionResult = {
  intent: string
  fieldErrors?: Record<string, string[]>
  message?: string
  recoveryCodes?: string[]
  enrolment?: TotpEnrolment
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const submission = parseWithZod(await request.formData(), { schema: SecuritySettingsSchema })
  if (submission.status !== 'success') {
    const reply = submission.reply({ hideFields: ['currentPassword', 'newPassword', 'confirmPassword'] })
    const fieldErrors = Object.fromEntries(Object.entries(reply.error ?? {}).filter((entry): entry is [string, string[]] => entry[1] !== null))
    return data<ActionResult>({ intent: String(submission.payload.intent ?? ''), fieldErrors }, { status: 400 })
  }
  const value = submission.value
  const audit = auditContextOf(args, user)
  const failed = (field: string, message: string, status = 400) => data<ActionResult>({ intent: value.intent, fieldErrors: { [field]: [message] } }, { status })
  const done = (message: string, extra: Partial<ActionResult> = {}) => data<ActionResult>({ intent: value.intent, message, ...extra })

  switch (value.intent) {
    case 'change-password': {
      const result = await changePassword(db, { ...value, userId: user.id, email: user.email, displayName: user.displayName, sessionId: user.sessionId, audit })
      return result.ok ? done('Your password is changed. Every other device was signed out.') : failed(result.field, result.message)
    }
    case 'change-email': {
      const result = await changeEmail(db, { userId: user.id, currentEmail: user.email, currentPassword: value.currentPassword, newEmail: value.newEmail, audit })
      return result.ok ? done(`Your email address is now ${value.newEmail}.`) : failed(result.field, result.message)
    }
    case 'sign-out-session': {
      if (value.sessionId === user.sessionId) return failed('sessionId', 'To end this session, use Sign out.')
      const ended = await revokeOwnSession(db, { userId: user.id, sessionId: value.sessionId, audit })
      return ended ? done('That device is signed out.') : failed('sessionId', 'That session had already ended.')
    }
    case 'sign-out-others': {
      const ended = await revokeOtherOwnSessions(db, { userId: user.id, keepSessionId: user.sessionId, audit })
      return done(ended === 1 ? 'One other device was signed out.' : `${ended} other devices were signed out.`)
    }
    case 'start-mfa': {
      const { band } = await getSiteFrame(runtime)
      const result = await beginMfaEnrolment(db, { userId: user.id, email: user.email, bandName: band.name, currentPassword: value.currentPassword, appSecret: runtime.sessionSecret })
      return result.ok ? done('Scan the QR code, then enter the code your app shows.', { enrolment: result.enrolment }) : failed(result.field, result.message)
    }
    case 'confirm-mfa': {
      const result = await finishMfaEnrolment(db, { userId: user.id, email: user.email, code: value.code, appSecret: runtime.sessionSecret, audit })
      if (!result.ok) return failed('code', 'That code did not match. Check the time on your phone and enter the newest code.')
      return done('Two-step sign-in is on. Keep these recovery codes somewhere safe: each works once, and you will not see them again.', { recoveryCodes: result.recoveryCodes })
    }
    case 'remove-mfa': {
      const result = await removeMfa(db, { userId: user.id, email: user.email, currentPassword: value.currentPassword, audit })
      return result.ok ? done('Two-step sign-in is off.') : failed(result.field, result.message)
    }
    case 'new-recovery-codes': {
      const result = await replaceRecoveryCodes(db, { userId: user.id, currentPassword: value.currentPassword, audit })
      return result.ok ? done('New recovery codes are below; the old ones no longer work.', { recoveryCodes: result.recoveryCodes }) : failed(result.field, result.message)
    }
  }
  throw redirect('.')
}

export default function SecuritySettings({ loaderData, actionData }: Route.ComponentProps) {
  const navigation = useNavigation()
  const busy = navigation.state === 'submitting'
  const result = actionData as ActionResult | undefined
  const errorsFor = (intent: string, field: string) => (result?.intent === intent ? result.fieldErrors?.[field] : undefined)
  const messageFor = (intent: string) => (result?.intent === intent && result.message ? <FormAlert tone="success">{result.message}</FormAlert> : null)
  const enrolment = result?.enrolment ?? loaderData.pendingEnrolment

  return (
    <div className="max-w-3xl space-y-10">
      <h1 className="text-3xl font-bold">Security settings</h1>
      {loaderData.mfaRequired && loaderData.mfa === 'off' ? (
        <FormAlert tone="info">Your role needs two-step sign-in. Please set it up below before you continue.</FormAlert>
      ) : null}

      <section aria-labelledby="password-heading" className="space-y-4">
        <h2 id="password-heading" className="text-2xl font-semibold">Password</h2>
        {messageFor('change-password')}
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="change-password" />
          <Field label="Current password" errors={errorsFor('change-password', 'currentPassword')} inputProps={{ id: 'cp-current', name: 'currentPassword', type: 'password', autoComplete: 'current-password', required: true }} />
          <NewPasswordFields idPrefix="cp" errors={{ newPassword: errorsFor('change-password', 'newPassword'), confirmPassword: errorsFor('change-password', 'confirmPassword') }} />
          <SubmitButton disabled={busy}>Change password</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="email-heading" className="space-y-4">
        <h2 id="email-heading" className="text-2xl font-semibold">Email address</h2>
        <p>You sign in with <strong>{loaderData.email}</strong>.</p>
        {messageFor('change-email')}
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value="change-email" />
          <Field label="New email address" errors={errorsFor('change-email', 'newEmail')} inputProps={{ id: 'ce-email', name: 'newEmail', type: 'email', autoComplete: 'email', required: true }} />
          <Field label="Current password" errors={errorsFor('change-email', 'currentPassword')} inputProps={{ id: 'ce-current', name: 'currentPassword', type: 'password', autoComplete: 'current-password', required: true }} />
          <SubmitButton disabled={busy}>Change email address</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="mfa-heading" className="space-y-4">
        <h2 id="mfa-heading" className="text-2xl font-semibold">Two-step sign-in</h2>
        {messageFor('start-mfa')}
        {messageFor('confirm-mfa')}
        {messageFor('remove-mfa')}
        {messageFor('new-recovery-codes')}
        {result?.recoveryCodes ? (
          <div className="rounded border border-stone-300 bg-white p-4">
            <h3 className="font-semibold">Your recovery codes</h3>
            <ul className="mt-2 grid grid-cols-2 gap-1 font-mono" aria-label="Recovery codes">
              {result.recoveryCodes.map((code) => (
                <li key={code}>{code}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {loaderData.mfa === 'on' ? (
          <>
            <p>
              Two-step sign-in is <strong>on</strong>. You have {loaderData.recoveryCodesLeft} unused recovery codes.
            </p>
            <Form method="post" className="space-y-4">
              <Field label="Current password" errors={errorsFor('new-recovery-codes', 'currentPassword') ?? errorsFor('remove-mfa', 'currentPassword')} inputProps={{ id: 'mfa-current', name: 'currentPassword', type: 'password', autoComplete: 'current-password', required: true }} />
              <div className="flex flex-wrap gap-3">
                <SubmitButton name="intent" value="new-recovery-codes" disabled={busy}>New recovery codes</SubmitButton>
                <SubmitButton name="intent" value="remove-mfa" disabled={busy}>Turn off two-step sign-in</SubmitButton>
              </div>
            </Form>
          </>
        ) : enrolment ? (
          <div className="space-y-4">
            <p>Scan this code with an authenticator app (for example Aegis, 2FAS or Google Authenticator), or type the key by hand.</p>
            <img src={`data:image/svg+xml;base64,${toBase64(enrolment.qrSvg)}`} alt="QR code for your authenticator app" width={200} height={200} className="bg-white p-2" />
            <p>
              Key: <code className="font-mono text-lg">{enrolment.manualKey}</code>
            </p>
            <Form method="post" className="space-y-4">
              <input type="hidden" name="intent" value="confirm-mfa" />
              <Field label="Code from the app" errors={errorsFor('confirm-mfa', 'code')} inputProps={{ id: 'mfa-code', name: 'code', type: 'text', inputMode: 'numeric', autoComplete: 'one-time-code', required: true }} />
              <SubmitButton disabled={busy}>Turn on two-step sign-in</SubmitButton>
            </Form>
          </div>
        ) : (
          <>
            <p>Two-step sign-in is <strong>off</strong>. With it on, signing in needs your password and a code from your phone.</p>
            <Form method="post" className="space-y-4">
              <input type="hidden" name="intent" value="start-mfa" />
              <Field label="Current password" errors={errorsFor('start-mfa', 'currentPassword')} inputProps={{ id: 'mfa-start-current', name: 'currentPassword', type: 'password', autoComplete: 'current-password', required: true }} />
              <SubmitButton disabled={busy}>Set up two-step sign-in</SubmitButton>
            </Form>
          </>
        )}
      </section>

      <section aria-labelledby="sessions-heading" className="space-y-4">
        <h2 id="sessions-heading" className="text-2xl font-semibold">Where you are signed in</h2>
        {messageFor('sign-out-session')}
        {messageFor('sign-out-others')}
        {errorsFor('sign-out-session', 'sessionId') ? <FormAlert>{errorsFor('sign-out-session', 'sessionId')?.join(' ')}</FormAlert> : null}
        <ul className="divide-y divide-stone-200 rounded border border-stone-200 bg-white">
          {loaderData.sessions.map((session) => (
            <li key={session.id} className="flex flex-wrap items-center justify-between gap-3 p-3">
              <div>
                <p className="font-medium">{describeDevice(session.user_agent)}{session.id === loaderData.currentSessionId ? ' (this device)' : ''}</p>
                <p className="text-sm text-stone-700">
                  Last seen {formatEventDate(new Date(session.last_seen_at), loaderData.timeZone)}
                  {session.ip ? ` from ${session.ip}` : ''}
                </p>
              </div>
              {session.id === loaderData.currentSessionId ? null : (
                <Form method="post">
                  <input type="hidden" name="intent" value="sign-out-session" />
                  <input type="hidden" name="sessionId" value={session.id} />
                  <button type="submit" className="rounded border border-stone-400 px-3 py-1 hover:bg-stone-100">
                    Sign out<span className="sr-only"> {describeDevice(session.user_agent)}</span>
                  </button>
                </Form>
              )}
            </li>
          ))}
        </ul>
        {loaderData.sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="sign-out-others" />
            <SubmitButton disabled={busy}>Sign out everywhere else</SubmitButton>
          </Form>
        ) : null}
      </section>
    </div>
  )
}

function toBase64(text: string): string {
  return typeof Buffer === 'undefined' ? btoa(unescape(encodeURIComponent(text))) : Buffer.from(text).toString('base64')
}

function describeDevice(userAgent: string | null): string {
  if (!userAgent) return 'Unknown device'
  const browser = /Firefox\//.test(userAgent) ? 'Firefox' : /Edg\//.test(userAgent) ? 'Edge' : /Chrome\//.test(userAgent) ? 'Chrome' : /Safari\//.test(userAgent) ? 'Safari' : 'Browser'
  const system = /Android/.test(userAgent) ? 'Android' : /iPhone|iPad/.test(userAgent) ? 'iOS' : /Windows/.test(userAgent) ? 'Windows' : /Mac OS X/.test(userAgent) ? 'macOS' : /Linux/.test(userAgent) ? 'Linux' : ''
  return system ? `${browser} on ${system}` : browser
}
