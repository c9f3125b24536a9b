import { data, Form, href, Link, useNavigation } from 'react-router'
import { z } from 'zod'
import { FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { confirmEmailChange, findEmailChange } from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/settings.security.email_.confirm'

export const meta: Route.MetaFunction = () => [{ title: 'Confirm your new email address' }]

const ConfirmSchema = z.object({ token: z.string().min(1).max(200) })

// Opening the link only shows what will change; the change itself is a POST,
// so a mail scanner that follows links changes nothing.
export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const token = new URL(args.request.url).searchParams.get('token') ?? ''
  const change = token ? await findEmailChange(args.context.get(runtimeContext).db, user.id, token) : undefined
  return { token, currentEmail: user.email, newEmail: change?.new_email ?? null }
}

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const parsed = ConfirmSchema.safeParse(Object.fromEntries(await args.request.formData()))
  if (!parsed.success) return data({ error: 'This link is not complete. Open it again from the email.' }, { status: 400 })
  const outcome = await confirmEmailChange(runtime.db, { userId: user.id, currentEmail: user.email, token: parsed.data.token, audit: auditContextOf(args, user) })
  if (!outcome.ok) return data({ error: outcome.message }, { status: 400 })
  return redirectWithToast(runtime, href('/settings/security'), `Your email address is now ${outcome.newEmail}.`)
}

export default function ConfirmEmailChange({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  if (!loaderData.newEmail) {
    return (
      <div className="space-y-4">
        <h1 className="text-3xl font-bold tracking-tight">This link no longer works</h1>
        <p>Links to confirm a new address work once, for 24 hours, and only for the account that asked for them.</p>
        <p>
          <Link to={href('/settings/security/email')} className="text-brand-800 underline">
            Ask for a new link
          </Link>
        </p>
      </div>
    )
  }
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Confirm your new email address</h1>
      {actionData?.error ? <FormAlert>{actionData.error}</FormAlert> : null}
      <div className="space-y-4 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
        <p>
          From now on you will sign in with <strong className="break-words">{loaderData.newEmail}</strong> instead of{' '}
          <strong className="break-words">{loaderData.currentEmail}</strong>.
        </p>
        <Form method="post">
          <input type="hidden" name="token" value={loaderData.token} />
          <SubmitButton disabled={busy}>Use this address</SubmitButton>
        </Form>
      </div>
    </div>
  )
}
