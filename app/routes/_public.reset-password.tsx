import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { FormAlert, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import { auditContextFor } from '#app/modules/identity/auth.server.ts'
import { findUsableReset, resetPassword } from '#app/modules/identity/password-reset.server.ts'
import { ResetPasswordSchema } from '#app/modules/identity/schema.ts'
import { clearSessionCookie } from '#app/modules/identity/sign-in.server.ts'
import { throttledResponse, tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public.reset-password'

export const meta: Route.MetaFunction = () => [{ title: 'Choose a new password' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function loader({ request, context }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get('token') ?? ''
  const reset = token ? await findUsableReset(context.get(runtimeContext).db, token) : undefined
  return { token, valid: Boolean(reset && reset.status !== 'disabled') }
}

export async function action(args: Route.ActionArgs) {
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: ResetPasswordSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: ['newPassword', 'confirmPassword'] }) }, { status: 400 })
  }
  const outcome = await resetPassword(runtime.db, runtime.rateLimits, {
    token: submission.value.token,
    newPassword: submission.value.newPassword,
    audit: auditContextFor(args, { id: null, name: 'Anonymous visitor' }),
  })
  if (outcome.kind === 'throttled') {
    return throttledResponse(
      { result: submission.reply({ hideFields: ['newPassword', 'confirmPassword'], formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }) },
      outcome.retryAfterSeconds,
    )
  }
  if (outcome.kind === 'invalid-link') {
    return data({ result: submission.reply({ formErrors: ['This link has expired or was already used. Ask for a new one.'] }) }, { status: 400 })
  }
  if (outcome.kind === 'weak-password') {
    return data({ result: submission.reply({ fieldErrors: { newPassword: [outcome.message] }, hideFields: ['newPassword', 'confirmPassword'] }) }, { status: 400 })
  }
  // Every session of the account has ended, this browser's included.
  throw await redirectWithToast(runtime, href('/login'), 'Your password is changed and you were signed out everywhere. Sign in with the new password.', {
    headers: { 'Set-Cookie': await clearSessionCookie(runtime) },
  })
}

export default function ResetPassword({ loaderData, actionData }: Route.ComponentProps) {
  const errors = actionData?.result.error ?? {}
  const formErrors = actionData?.result.error?.[''] ?? []
  if (!loaderData.valid && !actionData) {
    return (
      <section aria-labelledby="reset" className="mx-auto max-w-md space-y-6">
        <h1 id="reset" className="text-3xl font-bold">This link no longer works</h1>
        <p>Password links work once and for one hour. Ask for a new one and use the newest email.</p>
        <p>
          <Link to={href('/forgot-password')} className="text-brand-800 underline">Ask for a new link</Link>
        </p>
      </section>
    )
  }
  return (
    <section aria-labelledby="reset" className="mx-auto max-w-md space-y-6">
      <h1 id="reset" className="text-3xl font-bold">Choose a new password</h1>
      {formErrors.length ? <FormAlert>{formErrors.join(' ')}</FormAlert> : null}
      <Form method="post" className="space-y-4">
        <input type="hidden" name="token" value={loaderData.token} />
        <NewPasswordFields idPrefix="reset" errors={errors} />
        <SubmitButton>Set the new password</SubmitButton>
      </Form>
      <p className="text-sm text-stone-700">Setting it signs you out everywhere; then sign in with the new password.</p>
    </section>
  )
}
