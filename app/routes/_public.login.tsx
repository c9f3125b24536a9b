import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, redirect } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { auditContextFor, getCurrentUser, requireAnonymous, safeRedirectPath } from '#app/modules/identity/auth.server.ts'
import { loginAuthenticator } from '#app/modules/identity/login.server.ts'
import { LoginSchema } from '#app/modules/identity/schema.ts'
import {
  completeSignIn,
  knownDeviceKey,
  readDevice,
  rememberDevice,
  sessionCookieHeader,
  startSecondFactor,
} from '#app/modules/identity/sign-in.server.ts'
import { throttledResponse, tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public.login'
import { hydrated } from '#app/components/hydration.ts'

// Conform clears a shown error while typing: worth the script on the sign-in pages.
export const handle = hydrated

export const meta: Route.MetaFunction = () => [{ title: 'Sign in' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function loader(args: Route.LoaderArgs) {
  const { searchParams } = new URL(args.request.url)
  const redirectTo = safeRedirectPath(searchParams.get('redirectTo'))
  requireAnonymous(args, redirectTo)
  return { redirectTo }
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  const runtime = args.context.get(runtimeContext)
  // remix-auth reads the body itself, so we parse a clone.
  const submission = parseWithZod(await request.clone().formData(), { schema: LoginSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: ['password'] }), retryAfterSeconds: null }, { status: 400 })
  }
  const redirectTo = safeRedirectPath(submission.value.redirectTo)
  const audit = auditContextFor(args, { id: null, name: 'Anonymous visitor' })
  const device = await readDevice(runtime, request)
  const outcome = await loginAuthenticator(runtime.db, runtime.rateLimits, audit, (email) => knownDeviceKey(device, email)).authenticate(
    'password',
    request,
  )

  switch (outcome.kind) {
    case 'throttled':
      return throttledResponse(
        {
          result: submission.reply({ hideFields: ['password'], formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }),
          retryAfterSeconds: outcome.retryAfterSeconds,
        },
        outcome.retryAfterSeconds,
      )
    case 'refused':
      return data(
        {
          // One message for every failure: it never tells which part was wrong (ASVS 6.3.8).
          result: submission.reply({ hideFields: ['password'], formErrors: ['That email address and password do not match an account we know.'] }),
          retryAfterSeconds: null,
        },
        { status: 400 },
      )
    case 'must-reset-password':
      return data(
        {
          result: submission.reply({
            hideFields: ['password'],
            formErrors: ['An administrator asked you to choose a new password. Use "Forgot your password?" below to set one.'],
          }),
          retryAfterSeconds: null,
        },
        { status: 400 },
      )
    case 'signed-in': {
      // The password was right: this browser is a known device for the account from now on.
      const headers = new Headers({ 'Set-Cookie': await rememberDevice(runtime, device, submission.value.email) })
      if (outcome.needsSecondFactor) {
        headers.append('Set-Cookie', await startSecondFactor(runtime.db, runtime, { userId: outcome.userId, displayName: outcome.displayName, redirectTo }))
        throw redirect(href('/login/two-factor'), { headers })
      }
      const session = await completeSignIn(runtime.db, {
        userId: outcome.userId,
        displayName: outcome.displayName,
        audit,
        method: 'password',
        // Signing in again in this browser ends its previous session.
        replacingSessionId: getCurrentUser(args)?.sessionId,
      })
      headers.append('Set-Cookie', await sessionCookieHeader(runtime, session))
      throw redirect(redirectTo, { headers })
    }
  }
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const [form, fields] = useSchemaForm('sign-in-form', LoginSchema, actionData?.result)
  return (
    <section aria-labelledby="sign-in" className="mx-auto max-w-md space-y-6">
      <h1 id="sign-in" className="text-3xl font-bold">
        Sign in
      </h1>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="redirectTo" value={loaderData.redirectTo} />
        <Field
          label="Email address"
          errors={fields.email.errors}
          inputProps={{ ...getInputProps(fields.email, { type: 'email' }), autoComplete: 'email', autoFocus: true }}
        />
        <Field
          label="Password"
          errors={fields.password.errors}
          inputProps={{ ...getInputProps(fields.password, { type: 'password' }), autoComplete: 'current-password' }}
        />
        <SubmitButton>Sign in</SubmitButton>
      </Form>
      <p>
        <Link to={href('/forgot-password')} className="text-brand-800 underline">
          Forgot your password?
        </Link>
      </p>
      <p className="text-sm text-stone-700">
        New members get an invitation by email from the band's admins; there is no sign-up form.
      </p>
    </section>
  )
}
