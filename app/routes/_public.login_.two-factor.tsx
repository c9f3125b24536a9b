import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, redirect } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { auditContextFor, safeRedirectPath } from '#app/modules/identity/auth.server.ts'
import { TwoFactorSchema } from '#app/modules/identity/schema.ts'
import { verifySecondFactor } from '#app/modules/identity/two-step.server.ts'
import {
  completeSecondStep,
  pendingSecondFactorCookie,
  readPendingSecondFactor,
  sessionCookieHeader,
} from '#app/modules/identity/sign-in.server.ts'
import { throttledResponse, tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public.login_.two-factor'
import { hydrated } from '#app/components/hydration.ts'

// Conform clears a shown error while typing: worth the script on the sign-in pages.
export const handle = hydrated

export const meta: Route.MetaFunction = () => [{ title: 'Two-step sign-in' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function loader({ request, context }: Route.LoaderArgs) {
  const runtime = context.get(runtimeContext)
  if (!(await readPendingSecondFactor(runtime.db, runtime, request))) throw redirect(href('/login'))
  return null
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const runtime = args.context.get(runtimeContext)
  const pending = await readPendingSecondFactor(runtime.db, runtime, request)
  if (!pending) throw redirect(href('/login'))
  const submission = parseWithZod(await request.formData(), { schema: TwoFactorSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })

  const audit = auditContextFor(args, { id: pending.userId, name: pending.displayName })
  const outcome = await verifySecondFactor(runtime.db, runtime.rateLimits, {
    userId: pending.userId,
    code: submission.value.code,
    appSecret: runtime.sessionSecret,
    audit,
  })
  if (outcome.kind === 'throttled') {
    return throttledResponse(
      { result: submission.reply({ hideFields: ['code'], formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }) },
      outcome.retryAfterSeconds,
    )
  }
  if (outcome.kind === 'refused') {
    return data(
      { result: submission.reply({ hideFields: ['code'], formErrors: ['That code is not valid, or it was already used. Please try the current code.'] }) },
      { status: 400 },
    )
  }
  const session = await completeSecondStep(runtime.db, {
    userId: pending.userId,
    displayName: pending.displayName,
    audit,
    method: outcome.method,
    challengeId: pending.challengeId,
  })
  // Two tabs racing with the same pending cookie: only the first gets a session.
  if (!session) throw redirect(href('/login'))
  const headers = new Headers()
  headers.append('Set-Cookie', await sessionCookieHeader(runtime, session))
  headers.append('Set-Cookie', await pendingSecondFactorCookie(runtime).serialize('', { maxAge: 0 }))
  throw redirect(safeRedirectPath(pending.redirectTo), { headers })
}

export default function TwoFactor({ actionData }: Route.ComponentProps) {
  const [form, fields] = useSchemaForm('two-factor-form', TwoFactorSchema, actionData?.result)
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
