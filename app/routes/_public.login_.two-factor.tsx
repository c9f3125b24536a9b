import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, redirect } from 'react-router'
import { Field, FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { recordAudit } from '#app/modules/audit/audit.server.ts'
import { auditContextFor, safeRedirectPath } from '#app/modules/identity/auth.server.ts'
import { useRecoveryCode as redeemRecoveryCode } from '#app/modules/identity/recovery-codes.server.ts'
import { TwoFactorSchema } from '#app/modules/identity/schema.ts'
import { completeSignIn, pendingSecondFactorCookie, readPendingSecondFactor } from '#app/modules/identity/sign-in.server.ts'
import { checkAttempt, recordFailure, recordSuccess } from '#app/modules/identity/throttle.server.ts'
import { verifyTotpCode } from '#app/modules/identity/totp.server.ts'
import { db, runtime } from '#server/runtime.server.ts'
import type { Route } from './+types/_public.login_.two-factor'
import { tooManyAttempts } from './_public.login.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Two-step sign-in' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttle-headers.ts'

export async function loader({ request }: Route.LoaderArgs) {
  if (!(await readPendingSecondFactor(request))) throw redirect(href('/login'))
  return null
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const pending = await readPendingSecondFactor(request)
  if (!pending) throw redirect(href('/login'))
  const submission = parseWithZod(await request.formData(), { schema: TwoFactorSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })

  const audit = auditContextFor(args, { id: pending.userId, name: pending.displayName })
  const keys = { ip: audit.ip ?? 'unknown', account: pending.userId }
  const verdict = await checkAttempt('two-factor', keys)
  if (!verdict.allowed) {
    return data(
      { result: submission.reply({ hideFields: ['code'], formErrors: [tooManyAttempts(verdict.retryAfterSeconds)] }) },
      { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } },
    )
  }

  const code = submission.value.code.replace(/\s+/g, '')
  // Six digits: the authenticator app. Anything else: one of the recovery codes.
  const method = /^\d{6}$/.test(code) ? 'password+totp' : 'password+recovery-code'
  const accepted =
    method === 'password+totp'
      ? (await verifyTotpCode(db(), { userId: pending.userId, code, appSecret: runtime().sessionSecret })).ok
      : await redeemRecoveryCode(db(), { userId: pending.userId, code })

  if (!accepted) {
    await recordFailure('two-factor', keys)
    await recordAudit(db(), audit, {
      action: 'auth.mfa.failed',
      entity: ['user', pending.userId],
      details: { method: method === 'password+totp' ? 'totp' : 'recovery code' },
    })
    return data(
      { result: submission.reply({ hideFields: ['code'], formErrors: ['That code is not valid, or it was already used. Please try the current code.'] }) },
      { status: 400 },
    )
  }
  await recordSuccess('two-factor', keys)
  const session = await completeSignIn({ userId: pending.userId, displayName: pending.displayName, audit, method })
  const headers = new Headers()
  headers.append('Set-Cookie', session)
  headers.append('Set-Cookie', await pendingSecondFactorCookie().serialize('', { maxAge: 0 }))
  throw redirect(safeRedirectPath(pending.redirectTo), { headers })
}

export default function TwoFactor({ actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: TwoFactorSchema }),
  })
  return (
    <section aria-labelledby="two-factor" className="mx-auto max-w-md space-y-6">
      <h1 id="two-factor" className="text-3xl font-bold">
        Two-step sign-in
      </h1>
      <p>Enter the 6-digit code from your authenticator app. Lost your phone? Enter one of your recovery codes instead.</p>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <Field
          label="Code"
          errors={fields.code.errors}
          inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'text', autoFocus: true }}
        />
        <SubmitButton>Continue</SubmitButton>
      </Form>
    </section>
  )
}
