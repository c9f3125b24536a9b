import { getFormProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { ProfileFields } from '#app/components/member-profile-fields.tsx'
import { SelectField } from '#app/components/forms.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { createMember, listEngageableEvents, listInstruments, todayIn } from '#app/modules/members/member-record.server.ts'
import { MEMBER_STATUSES, NewMemberSchema, STATUS_LABELS } from '#app/modules/members/schema.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/admin.members.new'

export const meta: Route.MetaFunction = () => [{ title: 'Add a member' }]

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'member.edit')
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const [instruments, events, band] = await Promise.all([listInstruments(db), listEngageableEvents(db, new Date(), null), bandProfile(runtime)])
  return { instruments, events, timeZone: band.timeZone }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'member.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: NewMemberSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const band = await bandProfile(runtime)
  const outcome = await createMember(
    runtime.db,
    { ...submission.value, today: todayIn(band.timeZone), changedBy: user.id },
    auditContextOf(args, user),
  )
  if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  const { firstName, lastName } = submission.value
  return redirectWithToast(runtime, href('/admin/members/:memberId', { memberId: outcome.value }), `${firstName} ${lastName} is on the roster.`)
}

export default function NewMember({ loaderData, actionData }: Route.ComponentProps) {
  const lastResult = (actionData as { result?: SubmissionResult<string[]> } | undefined)?.result
  const [form, fields] = useSchemaForm('new-member', NewMemberSchema, lastResult)
  return (
    <div className="max-w-3xl space-y-6">
      <p>
        <Link to={href('/admin/members')} className="text-brand-800 underline">← Members</Link>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Add a member</h1>
      <p className="text-stone-700">
        Someone on the roster needs no account. Invite them from their page afterwards if they should sign in. Many at once?{' '}
        <Link to={href('/admin/members/import')} className="text-brand-800 underline">Import a CSV file</Link>.
      </p>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-6 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
        <ProfileFields fields={fields} events={loaderData.events} timeZone={loaderData.timeZone} />
        <fieldset className="space-y-3 rounded border border-stone-200 p-4">
          <legend className="px-1 font-semibold">Instrument and status</legend>
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField label="Main instrument" hint="Sets the section." errors={fields.instrumentId.errors} selectProps={{ id: fields.instrumentId.id, name: fields.instrumentId.name, defaultValue: typeof fields.instrumentId.initialValue === 'string' ? fields.instrumentId.initialValue : '' }}>
              <option value="">None yet</option>
              {loaderData.instruments.map((instrument) => (
                <option key={instrument.id} value={instrument.id}>{instrument.name}{instrument.section ? ` (${instrument.section})` : ''}</option>
              ))}
            </SelectField>
            <Field label="Chair (optional)" hint="1 for first chair." errors={fields.chair.errors} inputProps={{ id: fields.chair.id, name: fields.chair.name, type: 'number', min: 1, max: 20, inputMode: 'numeric', defaultValue: typeof fields.chair.initialValue === 'string' ? fields.chair.initialValue : '' }} />
            <SelectField label="Status" errors={fields.status.errors} selectProps={{ id: fields.status.id, name: fields.status.name, defaultValue: typeof fields.status.initialValue === 'string' ? fields.status.initialValue : 'active' }}>
              {MEMBER_STATUSES.map((status) => <option key={status} value={status}>{STATUS_LABELS[status]}</option>)}
            </SelectField>
          </div>
        </fieldset>
        <SubmitButton>Add to the roster</SubmitButton>
      </Form>
    </div>
  )
}
