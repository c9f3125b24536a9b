import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, useNavigation } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { requestEmailChange } from '#app/modules/identity/account.server.ts'
import { siteOrigin } from '#app/modules/identity/password-reset.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { reauthenticationFrom } from '#app/modules/identity/reauthentication.server.ts'
import { ChangeEmailSchema } from '#app/modules/identity/schema.ts'
import { refusedForm } from '#app/modules/identity/throttled-response.ts'
import { hasConfirmedTotp } from '#app/modules/identity/totp.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/settings.security.email'

export const meta: Route.MetaFunction = () => [{ title: 'Change your email address' }]

const SECRET_FIELDS = ['currentPassword', 'code']

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  return { email: user.email, twoStepOn: await hasConfirmedTotp(args.context.get(runtimeContext).db, user.id) }
}

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: ChangeEmailSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: SECRET_FIELDS }) }, { status: 400 })
  }
  const { newEmail } = submission.value
  const outcome = await requestEmailChange(runtime.db, {
    userId: user.id,
    currentEmail: user.email,
    reauth: reauthenticationFrom(runtime, submission.value),
    newEmail,
    siteOrigin: siteOrigin(runtime.config),
    audit: auditContextOf(args, user),
  })
  if (!outcome.ok) {
    return refusedForm({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] }, hideFields: SECRET_FIELDS }) }, outcome.retryAfterSeconds)
  }
  return redirectWithToast(
    runtime,
    href('/settings/security'),
    `We sent a link to ${newEmail}. Your sign-in address changes when you open it (within 24 hours).`,
    { kind: 'info' },
  )
}

export default function ChangeEmail({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('change-email', ChangeEmailSchema, actionData?.result)
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Change your email address</h1>
        <p className="text-stone-700">
          You sign in with <strong className="break-words">{loaderData.email}</strong>. We send a link to the new address; your address
          changes when you open it, and we tell this one, in case it was not you.
        </p>
      </div>
      <div className="space-y-5 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
        {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
        <Form method="post" {...getFormProps(form)} className="space-y-5">
          <Field
            label="New email address"
            errors={fields.newEmail.errors}
            inputProps={{ ...getInputProps(fields.newEmail, { type: 'email' }), autoComplete: 'email' }}
          />
          <Field
            label="Current password"
            hint="To make sure it is you."
            errors={fields.currentPassword.errors}
            inputProps={{ ...getInputProps(fields.currentPassword, { type: 'password' }), autoComplete: 'current-password' }}
          />
          {loaderData.twoStepOn ? (
            <Field
              label="Code from your authenticator app"
              hint="Or one of your recovery codes. Two-step sign-in is on, so a new address needs it too."
              errors={fields.code.errors}
              inputProps={{ ...getInputProps(fields.code, { type: 'text' }), autoComplete: 'one-time-code', inputMode: 'text' }}
            />
          ) : null}
          <SubmitButton disabled={busy}>Change email address</SubmitButton>
        </Form>
      </div>
    </div>
  )
}
