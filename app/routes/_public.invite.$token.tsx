import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, redirect } from 'react-router'
import { Field, FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { auditContextFor } from '#app/modules/identity/auth.server.ts'
import { acceptInvitation, findUsableInvitation } from '#app/modules/identity/invitations.server.ts'
import { PASSWORD_MIN_LENGTH } from '#app/modules/identity/password-limits.ts'
import { AcceptInvitationSchema } from '#app/modules/identity/schema.ts'
import { completeSignIn } from '#app/modules/identity/sign-in.server.ts'
import { checkAttempt, recordFailure } from '#app/modules/identity/throttle.server.ts'
import type { Route } from './+types/_public.invite.$token'
import { tooManyAttempts } from './_public.login.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Accept your invitation' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttle-headers.ts'

export async function loader({ params }: Route.LoaderArgs) {
  const invitation = await findUsableInvitation(params.token)
  return { invitation: invitation ? { email: invitation.email, displayName: invitation.display_name } : null }
}

export async function action(args: Route.ActionArgs) {
  const { request, params } = args
  const audit = auditContextFor(args, { id: null, name: 'Anonymous visitor' })
  const keys = { ip: audit.ip ?? 'unknown' }
  const verdict = await checkAttempt('invite', keys)
  if (!verdict.allowed) {
    return data({ formErrors: [tooManyAttempts(verdict.retryAfterSeconds)], fieldErrors: {} }, { status: 429, headers: { 'Retry-After': String(verdict.retryAfterSeconds) } })
  }
  const submission = parseWithZod(await request.formData(), { schema: AcceptInvitationSchema })
  if (submission.status !== 'success') {
    return data({ formErrors: [], fieldErrors: submission.reply().error ?? {} }, { status: 400 })
  }
  const outcome = await acceptInvitation({ token: params.token, password: submission.value.newPassword, audit })
  if (outcome.kind === 'invalid-link') {
    await recordFailure('invite', keys)
    return data({ formErrors: ['This invitation has expired or was already used. Ask the band for a new one.'], fieldErrors: {} }, { status: 400 })
  }
  if (outcome.kind === 'weak-password') return data({ formErrors: [], fieldErrors: { newPassword: [outcome.message] } }, { status: 400 })
  const cookie = await completeSignIn({ userId: outcome.userId, displayName: outcome.displayName, audit, method: 'invitation' })
  throw redirect(href('/portal'), { headers: { 'Set-Cookie': cookie } })
}

export default function AcceptInvitation({ loaderData, actionData }: Route.ComponentProps) {
  const { invitation } = loaderData
  if (!invitation) {
    return (
      <section aria-labelledby="invite" className="mx-auto max-w-md space-y-4">
        <h1 id="invite" className="text-3xl font-bold">This invitation no longer works</h1>
        <p>Invitations work once and for seven days. Ask the band's admins or your director to send you a new one.</p>
      </section>
    )
  }
  const errors: Record<string, string[] | null | undefined> = actionData?.fieldErrors ?? {}
  return (
    <section aria-labelledby="invite" className="mx-auto max-w-md space-y-6">
      <h1 id="invite" className="text-3xl font-bold">Welcome, {invitation.displayName}</h1>
      <p>
        Choose a password for <strong>{invitation.email}</strong>. You will sign in with this address and password.
      </p>
      {actionData?.formErrors.length ? <FormAlert>{actionData.formErrors.join(' ')}</FormAlert> : null}
      <Form method="post" className="space-y-4">
        <Field
          label="Password"
          hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong one.`}
          errors={errors.newPassword}
          inputProps={{ id: 'invite-password', name: 'newPassword', type: 'password', autoComplete: 'new-password', required: true, minLength: PASSWORD_MIN_LENGTH }}
        />
        <Field label="Password again" errors={errors.confirmPassword} inputProps={{ id: 'invite-confirm', name: 'confirmPassword', type: 'password', autoComplete: 'new-password', required: true }} />
        <SubmitButton>Create my account</SubmitButton>
      </Form>
    </section>
  )
}
