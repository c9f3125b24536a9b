import { getFormProps, getInputProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { Field, FormAlert, RecoveryCodeList, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { beginMfaEnrolment, finishMfaEnrolment, removeMfa } from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { countUnusedRecoveryCodes } from '#app/modules/identity/recovery-codes.server.ts'
import { ConfirmTwoStepSchema, StartTwoStepSchema, TurnOffTwoStepSchema, TwoStepFormsSchema } from '#app/modules/identity/schema.ts'
import { describePendingTotp, getTotpState } from '#app/modules/identity/totp.server.ts'
import { getSiteFrame } from '#app/modules/site/site-frame.server.ts'
import { reauthenticationFrom } from '#app/modules/identity/reauthentication.server.ts'
import { refusedForm } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/settings.security.two-step'

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Two-step sign-in' }]

type Intent = 'start' | 'confirm' | 'turn-off'

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const [totp, recoveryCodesLeft, frame] = await Promise.all([
    getTotpState(runtime.db, user.id),
    countUnusedRecoveryCodes(runtime.db, user.id),
    getSiteFrame(runtime),
  ])
  // An unfinished enrolment is shown again on every visit: a reload must not lose the QR code.
  const enrolment =
    totp === 'pending'
      ? await describePendingTotp(runtime.db, { userId: user.id, accountName: user.email, issuer: frame.band.name, appSecret: runtime.sessionSecret })
      : null
  return {
    state: totp === 'on' ? ('on' as const) : enrolment ? ('pending' as const) : ('off' as const),
    enrolment: enrolment ? { manualKey: enrolment.manualKey, qrSvg: enrolment.qrSvg } : null,
    recoveryCodesLeft,
    required: user.mustSetUpMfa,
  }
}

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const submission = parseWithZod(await args.request.formData(), { schema: TwoStepFormsSchema })
  const hideFields = ['currentPassword', 'code']
  if (submission.status !== 'success') {
    return data({ intent: intentOf(submission.payload.intent), result: submission.reply({ hideFields }), recoveryCodes: null }, { status: 400 })
  }
  const value = submission.value
  const refused = (field: string, message: string, retryAfterSeconds?: number) =>
    refusedForm({ intent: value.intent, result: submission.reply({ fieldErrors: { [field]: [message] }, hideFields }), recoveryCodes: null }, retryAfterSeconds)

  switch (value.intent) {
    case 'start': {
      const { band } = await getSiteFrame(runtime)
      const outcome = await beginMfaEnrolment(db, {
        userId: user.id,
        email: user.email,
        bandName: band.name,
        reauth: reauthenticationFrom(runtime, value),
        appSecret: runtime.sessionSecret,
        audit: auditContextOf(args, user),
      })
      if (!outcome.ok) return refused(outcome.field, outcome.message, outcome.retryAfterSeconds)
      // The loader shows the waiting enrolment, so this can redirect: a reload
      // is then a GET, not a second POST that would replace the secret the
      // member may have scanned already.
      return redirectWithToast(runtime, href('/settings/security/two-step'), 'Scan the QR code, then enter the code your app shows.', { kind: 'info' })
    }
    case 'confirm': {
      const outcome = await finishMfaEnrolment(db, { userId: user.id, email: user.email, code: value.code, appSecret: runtime.sessionSecret, audit: auditContextOf(args, user) })
      if (!outcome.ok) return refused('code', 'That code did not match. Check the time on your phone and enter the newest code.')
      // No redirect: the recovery codes are shown this once, in this answer, and are stored only as hashes.
      return data({ intent: value.intent, result: submission.reply({ resetForm: true }), recoveryCodes: outcome.recoveryCodes })
    }
    case 'turn-off': {
      const outcome = await removeMfa(db, { userId: user.id, email: user.email, reauth: reauthenticationFrom(runtime, value), audit: auditContextOf(args, user) })
      if (!outcome.ok) return refused(outcome.field, outcome.message, outcome.retryAfterSeconds)
      return redirectWithToast(runtime, href('/settings/security'), 'Two-step sign-in is off.')
    }
  }
}

function intentOf(value: unknown): Intent | null {
  return value === 'start' || value === 'confirm' || value === 'turn-off' ? value : null
}

export default function TwoStepSignIn({ loaderData, actionData }: Route.ComponentProps) {
  // Each form gets the reply to its own submission only.
  const lastResultFor = (intent: Intent) => (actionData?.intent === intent ? actionData.result : undefined)

  if (actionData?.recoveryCodes) {
    return (
      <div className="space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">Two-step sign-in</h1>
        <FormAlert tone="success">
          Two-step sign-in is on. Keep these recovery codes somewhere safe: each works once, and you will not see them again.
        </FormAlert>
        <RecoveryCodes codes={actionData.recoveryCodes} />
      </div>
    )
  }

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Two-step sign-in</h1>
        <p className="text-stone-700">
          With two-step sign-in, signing in needs your password and a code from an app on your phone, so a stolen password alone is not
          enough.
        </p>
      </div>
      {loaderData.required && loaderData.state !== 'on' ? (
        <FormAlert tone="info">Your role needs two-step sign-in. Set it up here to use the rest of the site.</FormAlert>
      ) : null}
      {loaderData.state === 'on' ? (
        <>
          <div className="flex flex-wrap items-center gap-x-4 gap-y-2 rounded-lg border border-emerald-300 bg-emerald-50 p-4 text-emerald-950">
            <p>
              Two-step sign-in is <strong>on</strong>. You have {loaderData.recoveryCodesLeft} unused recovery codes.
            </p>
            <Link to={href('/settings/security/recovery-codes')} className="font-semibold text-emerald-950 underline">
              New recovery codes
            </Link>
          </div>
          <TurnOffForm lastResult={lastResultFor('turn-off')} />
        </>
      ) : loaderData.enrolment ? (
        <>
          <ScanStep enrolment={loaderData.enrolment} />
          <ConfirmForm lastResult={lastResultFor('confirm')} />
        </>
      ) : (
        <StartForm lastResult={lastResultFor('start')} />
      )}
    </div>
  )
}

type FormProps = { lastResult: SubmissionResult<string[]> | undefined }

const card = 'space-y-4 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6'

function StartForm({ lastResult }: FormProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('start-two-step', StartTwoStepSchema, lastResult)
  return (
    <section aria-labelledby="start-heading" className={card}>
      <h2 id="start-heading" className="text-xl font-semibold">
        Set up two-step sign-in
      </h2>
      <ol className="list-decimal space-y-1 pl-6">
        <li>Install an authenticator app on your phone, for example Aegis, 2FAS or Google Authenticator.</li>
        <li>Enter your password below; we then show a QR code to scan with the app.</li>
        <li>Type the code the app shows. You get recovery codes for the day you lose your phone.</li>
      </ol>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <input type="hidden" name="intent" value="start" />
        <Field
          label="Current password"
          errors={fields.currentPassword.errors}
          inputProps={{ ...getInputProps(fields.currentPassword, { type: 'password' }), autoComplete: 'current-password' }}
        />
        <SubmitButton disabled={busy}>Set up two-step sign-in</SubmitButton>
      </Form>
    </section>
  )
}

function ScanStep({ enrolment }: { enrolment: { manualKey: string; qrSvg: string } }) {
  return (
    <section aria-labelledby="scan-heading" className={card}>
      <h2 id="scan-heading" className="text-xl font-semibold">
        1. Add your account to the app
      </h2>
      <p>Scan this code with an authenticator app (for example Aegis, 2FAS or Google Authenticator), or type the key by hand.</p>
      <div className="flex flex-wrap items-center gap-6">
        <img
          src={`data:image/svg+xml;base64,${toBase64(enrolment.qrSvg)}`}
          alt="QR code for your authenticator app"
          width={200}
          height={200}
          className="rounded border border-stone-200 bg-white p-2"
        />
        <div className="min-w-0 space-y-1">
          <p className="text-sm text-stone-700">Cannot scan it? In the app, choose to enter a key, then type:</p>
          <p className="break-words">
            Key: <code className="font-mono text-lg">{enrolment.manualKey}</code>
          </p>
          <p className="text-sm text-stone-700">Time-based, 6 digits, every 30 seconds.</p>
        </div>
      </div>
    </section>
  )
}

function ConfirmForm({ lastResult }: FormProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('confirm-two-step', ConfirmTwoStepSchema, lastResult)
  return (
    <section aria-labelledby="confirm-heading" className={card}>
      <h2 id="confirm-heading" className="text-xl font-semibold">
        2. Enter the code from the app
      </h2>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <input type="hidden" name="intent" value="confirm" />
        <Field
          label="Code from the app"
          hint="The 6 digits the app shows now for this account."
          errors={fields.code.errors}
          inputProps={{ ...getInputProps(fields.code, { type: 'text' }), inputMode: 'numeric', autoComplete: 'one-time-code' }}
        />
        <SubmitButton disabled={busy}>Turn on two-step sign-in</SubmitButton>
      </Form>
    </section>
  )
}

function TurnOffForm({ lastResult }: FormProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('turn-off-two-step', TurnOffTwoStepSchema, lastResult)
  return (
    <section aria-labelledby="turn-off-heading" className={card}>
      <h2 id="turn-off-heading" className="text-xl font-semibold">
        Turn off two-step sign-in
      </h2>
      <p>Signing in will need only your password again, and your recovery codes stop working. We email you a notice.</p>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-5">
        <input type="hidden" name="intent" value="turn-off" />
        <Field
          label="Current password"
          errors={fields.currentPassword.errors}
          inputProps={{ ...getInputProps(fields.currentPassword, { type: 'password' }), autoComplete: 'current-password' }}
        />
        <Field
          label="Code from your authenticator app"
          hint="Or one of your recovery codes: the password alone cannot turn this off."
          errors={fields.code.errors}
          inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', required: true }}
        />
        <button type="submit" disabled={busy} className="rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900 disabled:opacity-60">
          Turn off two-step sign-in
        </button>
      </Form>
    </section>
  )
}

function RecoveryCodes({ codes }: { codes: string[] }) {
  return (
    <section aria-labelledby="codes-heading" className={card}>
      <h2 id="codes-heading" className="text-xl font-semibold">
        Your recovery codes
      </h2>
      <RecoveryCodeList codes={codes}>
        <p>
          If you lose your phone, sign in with one of these instead of a code from the app. Print them or write them down, and keep them
          away from your phone.
        </p>
      </RecoveryCodeList>
    </section>
  )
}

function toBase64(text: string): string {
  return typeof Buffer === 'undefined' ? btoa(unescape(encodeURIComponent(text))) : Buffer.from(text).toString('base64')
}
