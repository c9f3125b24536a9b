import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, useNavigation } from 'react-router'
import { Field, FormAlert, NewPasswordFields, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { changePassword } from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { ChangePasswordSchema } from '#app/modules/identity/schema.ts'
import { reauthenticationFrom } from '#app/modules/identity/reauthentication.server.ts'
import { refusedForm } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/settings.security.password'

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export const meta: Route.MetaFunction = () => [{ title: 'Change your password' }]

// Passwords never come back in the page, not even after a mistake.
const SECRET_FIELDS = ['currentPassword', 'newPassword', 'confirmPassword']

export function loader(args: Route.LoaderArgs) {
  requireUser(args)
  return null
}

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: ChangePasswordSchema })
  if (submission.status !== 'success') {
    return data({ result: submission.reply({ hideFields: SECRET_FIELDS }) }, { status: 400 })
  }
  const outcome = await changePassword(runtime.db, {
    newPassword: submission.value.newPassword,
    reauth: reauthenticationFrom(runtime, submission.value),
    userId: user.id,
    email: user.email,
    displayName: user.displayName,
    sessionId: user.sessionId,
    audit: auditContextOf(args, user),
  })
  if (!outcome.ok) {
    return refusedForm({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] }, hideFields: SECRET_FIELDS }) }, outcome.retryAfterSeconds)
  }
  return redirectWithToast(runtime, href('/settings/security'), 'Your password is changed. Every other device was signed out.')
}

export default function ChangePassword({ actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('change-password', ChangePasswordSchema, actionData?.result)
  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Change your password</h1>
        <p className="text-stone-700">
          Changing it signs you out on every other device, so anyone who knew the old one is locked out. We email you a notice.
        </p>
      </div>
      <div className="space-y-5 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
        {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
        <Form method="post" {...getFormProps(form)} className="space-y-5">
          <Field
            label="Current password"
            errors={fields.currentPassword.errors}
            inputProps={{ ...getInputProps(fields.currentPassword, { type: 'password' }), autoComplete: 'current-password' }}
          />
          <NewPasswordFields idPrefix="cp" errors={{ newPassword: fields.newPassword.errors, confirmPassword: fields.confirmPassword.errors }} />
          <SubmitButton disabled={busy}>Change password</SubmitButton>
        </Form>
      </div>
    </div>
  )
}
