import { getFormProps, getInputProps, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, redirect } from 'react-router'
import { Field, FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { auditContextFor, requireAnonymous, safeRedirectPath } from '#app/modules/identity/auth.server.ts'
import { loginAuthenticator } from '#app/modules/identity/login.server.ts'
import { LoginSchema } from '#app/modules/identity/schema.ts'
import { completeSignIn, pendingSecondFactorCookie } from '#app/modules/identity/sign-in.server.ts'
import type { Route } from './+types/_public.login'

export const meta: Route.MetaFunction = () => [{ title: 'Sign in' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttle-headers.ts'

export async function loader({ request }: Route.LoaderArgs) {
  const redirectTo = safeRedirectPath(new URL(request.url).searchParams.get('redirectTo'))
  await requireAnonymous(request, redirectTo)
  return { redirectTo, passwordWasReset: new URL(request.url).searchParams.get('reset') === 'done' }
}

export async function action(args: Route.ActionArgs) {
  const { request } = args
  // remix-auth reads the body itself, so we parse a clone.
  const submission = parseWithZod(await request.clone().formData(), { schema: LoginSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: ['password'] }), retryAfterSeconds: null }, { status: 400 })
  }
  const redirectTo = safeRedirectPath(submission.value.redirectTo)
  const audit = auditContextFor(args, { id: null, name: 'Anonymous visitor' })
  const outcome = await loginAuthenticator(audit).authenticate('password', request)

  switch (outcome.kind) {
    case 'throttled':
      return data(
        {
          result: submission.reply({ hideFields: ['password'], formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }),
          retryAfterSeconds: outcome.retryAfterSeconds,
        },
        { status: 429, headers: { 'Retry-After': String(outcome.retryAfterSeconds) } },
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
      if (outcome.needsSecondFactor) {
        const pending = await pendingSecondFactorCookie().serialize({
          userId: outcome.userId,
          displayName: outcome.displayName,
          redirectTo,
          expiresAt: Date.now() + 5 * 60 * 1000,
        })
        throw redirect(href('/login/two-factor'), { headers: { 'Set-Cookie': pending } })
      }
      const cookie = await completeSignIn({ userId: outcome.userId, displayName: outcome.displayName, audit, method: 'password' })
      throw redirect(redirectTo, { headers: { 'Set-Cookie': cookie } })
    }
  }
}

export function tooManyAttempts(seconds: number): string {
  const minutes = Math.ceil(seconds / 60)
  return `Too many attempts. Please wait ${minutes === 1 ? 'a minute' : `${minutes} minutes`} and try again.`
}

export default function Login({ loaderData, actionData }: Route.ComponentProps) {
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    constraint: getZodConstraint(LoginSchema),
    shouldValidate: 'onBlur',
    onValidate: ({ formData }) => parseWithZod(formData, { schema: LoginSchema }),
  })
  return (
    <section aria-labelledby="sign-in" className="mx-auto max-w-md space-y-6">
      <h1 id="sign-in" className="text-3xl font-bold">
        Sign in
      </h1>
      {loaderData.passwordWasReset && !form.errors?.length ? (
        <FormAlert tone="success">Your password is changed and you were signed out everywhere. Sign in with the new password.</FormAlert>
      ) : null}
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
