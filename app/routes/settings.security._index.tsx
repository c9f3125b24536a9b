import type { ReactNode } from 'react'
import { href, Link } from 'react-router'
import { FormAlert } from '#app/components/forms.tsx'
import { requireUser } from '#app/modules/identity/auth.server.ts'
import { countUnusedRecoveryCodes } from '#app/modules/identity/recovery-codes.server.ts'
import { listUserSessions } from '#app/modules/identity/sessions.server.ts'
import { getTotpState } from '#app/modules/identity/totp.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/settings.security._index'

export const meta: Route.MetaFunction = () => [{ title: 'Security settings' }]

/** Fewer unused recovery codes than this, and the overview suggests new ones. */
const FEW_RECOVERY_CODES = 3

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const { db } = args.context.get(runtimeContext)
  const [sessions, totp, recoveryCodesLeft] = await Promise.all([
    listUserSessions(db, user.id),
    getTotpState(db, user.id),
    countUnusedRecoveryCodes(db, user.id),
  ])
  return {
    email: user.email,
    twoStep: totp,
    recoveryCodesLeft,
    devices: sessions.length,
    // requireUser sends admins here (?setup-mfa) when the band needs them to use two-step sign-in.
    mfaRequired: new URL(args.request.url).searchParams.has('setup-mfa'),
  }
}

export default function SecurityOverview({ loaderData }: Route.ComponentProps) {
  const { twoStep, recoveryCodesLeft, devices } = loaderData
  return (
    <div className="space-y-8">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Security settings</h1>
        <p className="text-stone-700">How you sign in, and where you are signed in.</p>
      </div>

      {loaderData.mfaRequired && twoStep !== 'on' ? (
        <FormAlert tone="info">
          Your role needs two-step sign-in. Please{' '}
          <Link to={href('/settings/security/two-step')} className="font-semibold underline">
            set it up
          </Link>{' '}
          before you continue.
        </FormAlert>
      ) : null}

      <div className="grid gap-4 sm:grid-cols-2">
        <Card id="password-heading" title="Password">
          <p>Use a long password that you use nowhere else. Changing it signs you out on your other devices.</p>
          <Actions>
            <ActionLink to={href('/settings/security/password')}>Change password</ActionLink>
          </Actions>
        </Card>

        <Card id="email-heading" title="Email address">
          <p>
            You sign in with <strong className="break-words">{loaderData.email}</strong>. Notices about your account go there too.
          </p>
          <Actions>
            <ActionLink to={href('/settings/security/email')}>Change email address</ActionLink>
          </Actions>
        </Card>

        <Card id="two-step-heading" title="Two-step sign-in" badge={<TwoStepBadge state={twoStep} />}>
          {twoStep === 'on' ? (
            <>
              <p>
                Two-step sign-in is <strong>on</strong>. You have {recoveryCodesLeft} unused recovery codes.
              </p>
              {recoveryCodesLeft < FEW_RECOVERY_CODES ? (
                <p className="text-amber-900">You are running out of recovery codes: make new ones before the last is gone.</p>
              ) : null}
              <Actions>
                <ActionLink to={href('/settings/security/recovery-codes')}>New recovery codes</ActionLink>
                <ActionLink to={href('/settings/security/two-step')} quiet>
                  Turn off two-step sign-in
                </ActionLink>
              </Actions>
            </>
          ) : twoStep === 'pending' ? (
            <>
              <p>
                Two-step sign-in is <strong>off</strong>: you started setting it up but did not enter a code from your app yet.
              </p>
              <Actions>
                <ActionLink to={href('/settings/security/two-step')}>Finish setting up</ActionLink>
              </Actions>
            </>
          ) : (
            <>
              <p>
                Two-step sign-in is <strong>off</strong>. With it on, signing in needs your password and a code from your phone.
              </p>
              <Actions>
                <ActionLink to={href('/settings/security/two-step')}>Set up two-step sign-in</ActionLink>
              </Actions>
            </>
          )}
        </Card>

        <Card id="devices-heading" title="Devices">
          <p>
            {devices === 1
              ? 'You are signed in on this device only.'
              : `You are signed in on ${devices} devices, this one included. Sign out any you do not recognise.`}
          </p>
          <Actions>
            <ActionLink to={href('/settings/security/devices')}>See your devices</ActionLink>
          </Actions>
        </Card>
      </div>
    </div>
  )
}

function Card({ id, title, badge, children }: { id: string; title: string; badge?: ReactNode; children: ReactNode }) {
  return (
    <section aria-labelledby={id} className="flex flex-col gap-3 rounded-lg border border-stone-200 bg-white p-5 shadow-sm">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 id={id} className="text-xl font-semibold">
          {title}
        </h2>
        {badge}
      </div>
      {children}
    </section>
  )
}

/** Pushed to the bottom of the card, so the buttons of cards side by side line up. */
function Actions({ children }: { children: ReactNode }) {
  return <div className="mt-auto flex flex-wrap gap-2 pt-2">{children}</div>
}

function ActionLink({ to, quiet = false, children }: { to: string; quiet?: boolean; children: ReactNode }) {
  const look = quiet
    ? 'border-stone-300 text-stone-900 hover:bg-stone-100'
    : 'border-brand-800 text-brand-800 hover:bg-brand-50'
  return (
    <Link to={to} className={`inline-flex items-center rounded border px-3 py-2 font-semibold ${look}`}>
      {children}
    </Link>
  )
}

function TwoStepBadge({ state }: { state: 'on' | 'off' | 'pending' }) {
  const [text, look] =
    state === 'on'
      ? ['On', 'bg-emerald-100 text-emerald-900']
      : state === 'pending'
        ? ['Not finished', 'bg-amber-100 text-amber-900']
        : ['Off', 'bg-stone-200 text-stone-800']
  return <span className={`rounded-full px-2.5 py-0.5 text-sm font-semibold ${look}`}>{text}</span>
}
