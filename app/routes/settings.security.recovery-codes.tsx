import { getFormProps, getInputProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { Field, FormAlert, RecoveryCodeList, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { replaceRecoveryCodes } from '#app/modules/identity/account.server.ts'
import { auditContextOf, requireUser } from '#app/modules/identity/auth.server.ts'
import { countUnusedRecoveryCodes } from '#app/modules/identity/recovery-codes.server.ts'
import { NewRecoveryCodesSchema } from '#app/modules/identity/schema.ts'
import { getTotpState } from '#app/modules/identity/totp.server.ts'
import { reauthenticationFrom } from '#app/modules/identity/reauthentication.server.ts'
import { refusedForm } from '#app/modules/identity/throttled-response.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/settings.security.recovery-codes'

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export const meta: Route.MetaFunction = () => [{ title: 'New recovery codes' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requireUser(args)
  const { db } = args.context.get(runtimeContext)
  const [totp, recoveryCodesLeft] = await Promise.all([getTotpState(db, user.id), countUnusedRecoveryCodes(db, user.id)])
  return { twoStepOn: totp === 'on', recoveryCodesLeft }
}

export async function action(args: Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const submission = parseWithZod(await args.request.formData(), { schema: NewRecoveryCodesSchema })
  const hideFields = ['currentPassword']
  if (submission.status !== 'success') return data({ result: submission.reply({ hideFields }), recoveryCodes: null }, { status: 400 })
  // Codes without an authenticator would be a second password nobody asked for.
  if ((await getTotpState(db, user.id)) !== 'on') {
    return data(
      { result: submission.reply({ formErrors: ['Two-step sign-in is off, so there are no recovery codes to replace.'], hideFields }), recoveryCodes: null },
      { status: 400 },
    )
  }
  const outcome = await replaceRecoveryCodes(db, { userId: user.id, reauth: reauthenticationFrom(runtime, submission.value), audit: auditContextOf(args, user) })
  if (!outcome.ok) {
    return refusedForm({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] }, hideFields }), recoveryCodes: null }, outcome.retryAfterSeconds)
  }
  // No redirect: the new codes are shown this once, in this answer, and are stored only as hashes.
  return data({ result: submission.reply({ resetForm: true }), recoveryCodes: outcome.recoveryCodes })
}

export default function NewRecoveryCodes({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  const [form, fields] = useSchemaForm('new-recovery-codes', NewRecoveryCodesSchema, actionData?.result)

  if (actionData?.recoveryCodes) {
    return (
      <div className="space-y-6">
        <h1 className="text-3xl font-bold tracking-tight">New recovery codes</h1>
        <FormAlert tone="success">New recovery codes are below; the old ones no longer work.</FormAlert>
        <section aria-labelledby="codes-heading" className={card}>
          <h2 id="codes-heading" className="text-xl font-semibold">
            Your recovery codes
          </h2>
          <RecoveryCodeList codes={actionData.recoveryCodes}>
            <p>
              Each works once, instead of a code from the app. Print them or write them down, and keep them away from your phone: you will not
              see them again.
            </p>
          </RecoveryCodeList>
        </section>
      </div>
    )
  }

  return (
    <div className="space-y-6">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">New recovery codes</h1>
        <p className="text-stone-700">
          Recovery codes let you sign in when you do not have your phone. Each works once. Make new ones when you are running low, or when
          someone may have seen them.
        </p>
      </div>
      {loaderData.twoStepOn ? (
        <div className={card}>
          <p>
            You have <strong>{loaderData.recoveryCodesLeft}</strong> unused recovery codes. New codes replace all of them: the old ones stop
            working at once.
          </p>
          {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
          <Form method="post" {...getFormProps(form)} className="space-y-5">
            <Field
              label="Current password"
              errors={fields.currentPassword.errors}
              inputProps={{ ...getInputProps(fields.currentPassword, { type: 'password' }), autoComplete: 'current-password' }}
            />
            <SubmitButton disabled={busy}>Make new recovery codes</SubmitButton>
          </Form>
        </div>
      ) : (
        <div className={card}>
          {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
          <p>Recovery codes come with two-step sign-in, which is off for your account.</p>
          <p>
            <Link to={href('/settings/security/two-step')} className="inline-flex rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">
              Set up two-step sign-in
            </Link>
          </p>
        </div>
      )}
    </div>
  )
}

const card = 'space-y-4 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6'
