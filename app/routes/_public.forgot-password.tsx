import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { HoneypotField, isHoneypotFilled } from '#app/components/honeypot.tsx'
import { auditContextFor, requireAnonymous } from '#app/modules/identity/auth.server.ts'
import { requestPasswordReset, siteOrigin } from '#app/modules/identity/password-reset.server.ts'
import { EmailSchema } from '#app/modules/identity/schema.ts'
import { throttledResponse, tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/_public.forgot-password'
import { hydrated } from '#app/components/hydration.ts'

// Conform clears a shown error while typing: worth the script on the sign-in pages.
export const handle = hydrated

export const meta: Route.MetaFunction = () => [{ title: 'Forgot your password?' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export function loader(args: Route.LoaderArgs) {
  requireAnonymous(args)
  return null
}

export async function action(args: Route.ActionArgs) {
  const runtime = args.context.get(runtimeContext)
  const form = await args.request.formData()
  const submission = parseWithZod(form, { schema: EmailSchema })
  // The same words whether or not the address has an account (and for a bot
  // that filled the hidden field, which gets nothing sent).
  const sent = () => redirectWithToast(runtime, href('/login'), SENT_MESSAGE, { kind: 'info' })
  if (isHoneypotFilled(form)) return sent()
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await requestPasswordReset(runtime.db, runtime.rateLimits, {
    email: submission.value.email,
    siteOrigin: siteOrigin(runtime.config),
    audit: auditContextFor(args, { id: null, name: 'Anonymous visitor' }),
  })
  if (outcome.kind === 'throttled') {
    return throttledResponse(
      { result: submission.reply({ formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }) },
      outcome.retryAfterSeconds,
    )
  }
  return sent()
}

const SENT_MESSAGE = 'If that address belongs to an account, we have sent it a link to choose a new password. The link works for one hour.'

export default function ForgotPassword({ actionData }: Route.ComponentProps) {
  const [form, fields] = useSchemaForm('forgot-password-form', EmailSchema, actionData?.result)
  return (
    <section aria-labelledby="forgot" className="mx-auto max-w-md space-y-6">
      <h1 id="forgot" className="text-3xl font-bold">
        Forgot your password?
      </h1>
      <p>Enter the email address you sign in with. We will send you a link to choose a new password.</p>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <HoneypotField />
        <Field label="Email address" errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: 'email' }), autoComplete: 'email' }} />
        <SubmitButton>Send the link</SubmitButton>
      </Form>
      <p>
        <Link to={href('/login')} className="text-brand-800 underline">
          Back to sign in
        </Link>
      </p>
    </section>
  )
}
