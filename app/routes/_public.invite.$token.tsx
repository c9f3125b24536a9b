import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, redirect } from 'react-router'
import { FormAlert, NewPasswordFields, SubmitButton } from '#app/components/forms.tsx'
import { auditContextFor } from '#app/modules/identity/auth.server.ts'
import { acceptInvitation, findUsableInvitation } from '#app/modules/identity/invitations.server.ts'
import { AcceptInvitationSchema } from '#app/modules/identity/schema.ts'
import { completeSignIn, sessionCookieHeader } from '#app/modules/identity/sign-in.server.ts'
import { throttledResponse, tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public.invite.$token'

export const meta: Route.MetaFunction = () => [{ title: 'Accept your invitation' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function loader({ params, context }: Route.LoaderArgs) {
  const invitation = await findUsableInvitation(context.get(runtimeContext).db, params.token)
  return { invitation: invitation ? { email: invitation.email, displayName: invitation.display_name } : null }
}

const secretFields = ['newPassword', 'confirmPassword']

export async function action(args: Route.ActionArgs) {
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: AcceptInvitationSchema })
  if (submission.status !== 'success') return data({ result: submission.reply({ hideFields: secretFields }) }, { status: 400 })
  const audit = auditContextFor(args, { id: null, name: 'Anonymous visitor' })
  const outcome = await acceptInvitation(runtime.db, runtime.rateLimits, { token: args.params.token, password: submission.value.newPassword, audit })
  switch (outcome.kind) {
    case 'throttled':
      return throttledResponse(
        { result: submission.reply({ hideFields: secretFields, formErrors: [tooManyAttempts(outcome.retryAfterSeconds)] }) },
        outcome.retryAfterSeconds,
      )
    case 'invalid-link':
      return data(
        { result: submission.reply({ hideFields: secretFields, formErrors: ['This invitation has expired or was already used. Ask the band for a new one.'] }) },
        { status: 400 },
      )
    case 'weak-password':
      return data({ result: submission.reply({ hideFields: secretFields, fieldErrors: { newPassword: [outcome.message] } }) }, { status: 400 })
    case 'accepted': {
      const session = await completeSignIn(runtime.db, { userId: outcome.userId, displayName: outcome.displayName, audit, method: 'invitation' })
      throw redirect(href('/portal'), { headers: { 'Set-Cookie': await sessionCookieHeader(runtime, session) } })
    }
  }
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
  const errors = actionData?.result.error ?? {}
  const formErrors = errors[''] ?? []
  return (
    <section aria-labelledby="invite" className="mx-auto max-w-md space-y-6">
      <h1 id="invite" className="text-3xl font-bold">Welcome, {invitation.displayName}</h1>
      <p>
        Choose a password for <strong>{invitation.email}</strong>. You will sign in with this address and password.
      </p>
      {formErrors.length ? <FormAlert>{formErrors.join(' ')}</FormAlert> : null}
      <Form method="post" className="space-y-4">
        <NewPasswordFields idPrefix="invite" label="Password" errors={errors} />
        <SubmitButton>Create my account</SubmitButton>
      </Form>
    </section>
  )
}
