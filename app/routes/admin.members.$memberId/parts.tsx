import { getFormProps, type SubmissionResult } from '@conform-to/react'
import { Form, href, Link, useLocation } from 'react-router'
import { ErrorList, Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { ProfileFields } from '#app/components/member-profile-fields.tsx'
import { SelectField, TextAreaField } from '#app/components/forms.tsx'
import { AccountBadge, buttonLink, StatusBadge } from '#app/components/member-ui.tsx'
import { ROLES, roleLabel } from '#app/modules/identity/roles.ts'
import { InviteMemberSchema } from '#app/modules/identity/schema.ts'
import { AddInstrumentSchema, KIND_LABELS, MEMBER_STATUSES, MemberProfileSchema, STATUS_LABELS, StatusChangeSchema } from '#app/modules/members/schema.ts'
import { formatEventDate, formatTimestamp } from '#app/modules/site/dates.ts'
import type { ActionAnswer } from './route.tsx'
import type { Route } from './+types/route'

/** The four parts of a member's page; each form says which it is with `intent`. */

type PageData = Route.ComponentProps['loaderData']
type PartProps = { data: PageData; answer: ActionAnswer | undefined }

const resultFor = (answer: ActionAnswer | undefined, intent: string) => (answer?.intent === intent ? answer.result : undefined)

function Part({ id, title, children }: { id: string; title: string; children: React.ReactNode }) {
  return (
    <section aria-labelledby={id} className="space-y-4 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
      <h2 id={id} className="text-2xl font-semibold">{title}</h2>
      {children}
    </section>
  )
}

function Facts({ rows }: { rows: [string, React.ReactNode][] }) {
  return (
    <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
      {rows.map(([term, value]) => (
        <div key={term} className="contents">
          <dt className="font-medium text-stone-700">{term}</dt>
          <dd className="mb-2 sm:mb-0">{value ?? <span className="text-stone-500">—</span>}</dd>
        </div>
      ))}
    </dl>
  )
}

export function ProfilePart({ data, answer }: PartProps) {
  const { member } = data
  if (!data.may.edit) {
    return (
      <Part id="profile-heading" title="Profile">
        <Facts
          rows={[
            ['Email', member.email ? <a className="text-brand-800 underline" href={`mailto:${member.email}`}>{member.email}</a> : null],
            ['Phone', member.phone ? <a className="text-brand-800 underline" href={`tel:${member.phone}`}>{member.phone}</a> : null],
            ['Pronouns', member.pronouns],
            ['Joined', member.joinedOn],
            ['Plays as', engagement(data)],
            ...(data.may.seeNotes ? ([['Notes', member.notes]] as [string, React.ReactNode][]) : []),
          ]}
        />
      </Part>
    )
  }
  return (
    <Part id="profile-heading" title="Profile">
      <ProfileForm data={data} lastResult={resultFor(answer, 'profile')} />
    </Part>
  )
}

/** “Substitute until 2027-06-30”, “Guest for the Spring Concert, …”, or “Member (all season)”. */
export function engagement({ member, timeZone }: PageData): string {
  if (member.kind === 'member') return 'Member (all season)'
  if (member.engagedEventTitle && member.engagedEventStartsAt) return `${KIND_LABELS[member.kind]} for ${member.engagedEventTitle}, ${formatEventDate(new Date(member.engagedEventStartsAt), timeZone)}`
  return `${KIND_LABELS[member.kind]}${member.engagedUntil ? ` until ${member.engagedUntil}` : ''}`
}

function ProfileForm({ data, lastResult }: { data: PageData; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useSchemaForm('profile', MemberProfileSchema, lastResult)
  const { member } = data
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="intent" value="profile" />
        <ProfileFields fields={fields} values={member} events={data.events} timeZone={data.timeZone} />
        <SubmitButton>Save profile</SubmitButton>
      </Form>
    </>
  )
}

export function StatusPart({ data, answer }: PartProps) {
  const { member } = data
  const { key } = useLocation()
  return (
    <Part id="status-heading" title="Status">
      <p className="flex items-center gap-2">Now: <StatusBadge status={member.status} /></p>
      {data.may.edit ? <StatusForm key={key} today={data.today} current={member.status} lastResult={resultFor(answer, 'status')} /> : null}
      <h3 className="text-lg font-semibold">History</h3>
      {member.statusHistory.length === 0 ? (
        <p className="text-stone-700">No changes recorded yet.</p>
      ) : (
        <ol className="divide-y divide-stone-200 rounded border border-stone-200">
          {member.statusHistory.map((change) => (
            <li key={change.id} className="flex flex-wrap items-baseline gap-x-3 gap-y-1 px-3 py-2">
              <time dateTime={change.effectiveOn} className="font-medium">{change.effectiveOn}</time>
              <StatusBadge status={change.status} />
              {change.note ? <span className="text-stone-800">{change.note}</span> : null}
              {change.changedBy ? <span className="text-sm text-stone-600">by {change.changedBy}</span> : null}
            </li>
          ))}
        </ol>
      )}
    </Part>
  )
}

function StatusForm({ today, current, lastResult }: { today: string; current: string; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useSchemaForm('status-change', StatusChangeSchema, lastResult)
  const initial = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback)
  return (
    <Form method="post" {...getFormProps(form)} className="grid gap-4 rounded border border-stone-200 p-4 sm:grid-cols-2">
      <input type="hidden" name="intent" value="status" />
      <SelectField label="New status" errors={fields.status.errors} selectProps={{ id: fields.status.id, name: fields.status.name, defaultValue: initial(fields.status.initialValue, current) }}>
        {MEMBER_STATUSES.map((status) => <option key={status} value={status}>{STATUS_LABELS[status]}</option>)}
      </SelectField>
      <Field label="From" hint="YYYY-MM-DD, today or earlier." errors={fields.effectiveOn.errors} inputProps={{ id: fields.effectiveOn.id, name: fields.effectiveOn.name, type: 'date', required: true, max: today, defaultValue: initial(fields.effectiveOn.initialValue, today) }} />
      <div className="sm:col-span-2">
        <TextAreaField label="Note (optional)" hint="Why, e.g. “Back after the baby”." errors={fields.note.errors} textareaProps={{ id: fields.note.id, name: fields.note.name, rows: 2, maxLength: 500, defaultValue: initial(fields.note.initialValue, '') }} />
      </div>
      <div><SubmitButton>Record status change</SubmitButton></div>
    </Form>
  )
}

export function InstrumentsPart({ data, answer }: PartProps) {
  const { member } = data
  const rowAnswer = (id: string) => (answer && answer.intent !== 'add-instrument' && answer.instrumentId === id ? answer.result?.error : undefined)
  return (
    <Part id="instruments-heading" title="Instruments">
      {member.instruments.length === 0 ? <p className="text-stone-700">No instruments yet.</p> : null}
      <ul className="space-y-3">
        {member.instruments.map((instrument) => {
          const errors = rowAnswer(instrument.id)
          return (
            <li key={instrument.id} className="rounded border border-stone-200 p-3">
              <p className="font-semibold">
                {instrument.name} <span className="font-normal text-stone-700">· {instrument.section ?? 'No section'} · {instrument.primary ? 'primary' : 'secondary'}{instrument.chair ? ` · chair ${instrument.chair}` : ''}</span>
              </p>
              {data.may.edit ? (
                <div className="mt-2 flex flex-wrap items-end gap-4">
                  <Form method="post" className="flex flex-wrap items-end gap-3">
                    <input type="hidden" name="intent" value="update-instrument" />
                    <input type="hidden" name="instrumentId" value={instrument.id} />
                    <div className="space-y-1">
                      <label htmlFor={`chair-${instrument.id}`} className="block text-sm font-medium">Chair<span className="sr-only"> on {instrument.name}</span></label>
                      <input id={`chair-${instrument.id}`} name="chair" type="number" min={1} max={20} inputMode="numeric" defaultValue={instrument.chair ?? ''} aria-invalid={errors?.chair ? true : undefined} aria-describedby={errors?.chair ? `chair-${instrument.id}-error` : undefined} className="block min-h-11 w-24 rounded border border-stone-400 bg-white px-3 py-2" />
                      <ErrorList id={errors?.chair ? `chair-${instrument.id}-error` : undefined} errors={errors?.chair} />
                    </div>
                    <label className="flex min-h-11 items-center gap-2">
                      <input type="checkbox" name="primary" defaultChecked={instrument.primary} className="size-5" /> Primary<span className="sr-only"> instrument: {instrument.name}</span>
                    </label>
                    <SubmitButton>Save<span className="sr-only"> {instrument.name}</span></SubmitButton>
                  </Form>
                  <Form method="post" className="flex flex-wrap items-end gap-3">
                    <input type="hidden" name="intent" value="remove-instrument" />
                    <input type="hidden" name="instrumentId" value={instrument.id} />
                    <label className="flex min-h-11 items-center gap-2">
                      <input type="checkbox" name="confirm" required className="size-5" aria-describedby={errors?.confirm ? `remove-${instrument.id}-error` : undefined} /> Yes, remove {instrument.name}
                    </label>
                    <button type="submit" className="min-h-11 rounded border border-red-700 px-4 py-2 font-medium text-red-800 hover:bg-red-50">Remove</button>
                    <ErrorList id={errors?.confirm ? `remove-${instrument.id}-error` : undefined} errors={errors?.confirm} />
                  </Form>
                </div>
              ) : null}
            </li>
          )
        })}
      </ul>
      {data.may.edit ? <AddInstrumentForm data={data} lastResult={resultFor(answer, 'add-instrument')} /> : null}
    </Part>
  )
}

function AddInstrumentForm({ data, lastResult }: { data: PageData; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useSchemaForm('add-instrument', AddInstrumentSchema, lastResult)
  const { key } = useLocation()
  const playing = new Set(data.member.instruments.map((instrument) => instrument.id))
  return (
    <Form key={key} method="post" {...getFormProps(form)} className="grid gap-4 rounded border border-dashed border-stone-300 p-4 sm:grid-cols-[2fr_1fr_auto_auto] sm:items-end">
      <input type="hidden" name="intent" value="add-instrument" />
      <SelectField label="Add an instrument" errors={fields.instrumentId.errors} selectProps={{ id: fields.instrumentId.id, name: fields.instrumentId.name, required: true, defaultValue: '' }}>
        <option value="" disabled>Choose…</option>
        {data.instruments.filter((instrument) => !playing.has(instrument.id)).map((instrument) => (
          <option key={instrument.id} value={instrument.id}>{instrument.name}{instrument.section ? ` (${instrument.section})` : ''}</option>
        ))}
      </SelectField>
      <Field label="Chair" errors={fields.chair.errors} inputProps={{ id: fields.chair.id, name: fields.chair.name, type: 'number', min: 1, max: 20, inputMode: 'numeric' }} />
      <label className="flex min-h-11 items-center gap-2">
        <input type="checkbox" name="primary" defaultChecked={data.member.instruments.length === 0} className="size-5" /> Primary
      </label>
      <SubmitButton>Add</SubmitButton>
    </Form>
  )
}

export function AccountPart({ data, answer }: PartProps) {
  const { member } = data
  const account = member.account
  // A fresh form after every answer (with JavaScript the page is not reloaded).
  const { key } = useLocation()
  const state = account ? (account.status === 'active' ? 'active' : account.status === 'locked' ? 'locked' : 'disabled') : member.invitation ? 'invited' : 'none'
  return (
    <Part id="account-heading" title="Account">
      <p className="flex flex-wrap items-center gap-2"><AccountBadge state={state} /></p>
      {account ? (
        <>
          <Facts
            rows={[
              ['Signs in as', account.email],
              ['Roles', account.roles.length ? account.roles.map((role) => `${roleLabel(role.role)}${role.section ? ` (${role.section})` : ''}`).join(', ') : 'none'],
              ['Last signed in', account.lastLoginAt ? formatTimestamp(new Date(account.lastLoginAt), data.timeZone) : 'never'],
            ]}
          />
          {answer?.intent === 'roles' && answer.message ? <FormAlert>{answer.message}</FormAlert> : null}
          {data.may.assignRoles && !data.isMe ? <RolesForm key={key} sections={data.sections} errors={answer?.intent === 'roles' ? answer.result?.error : undefined} /> : null}
          {data.may.manageAccounts ? (
            <p>
              <Link to={href('/admin/members/accounts')} className={buttonLink}>Disable, sign out or reset on the accounts page</Link>
            </p>
          ) : null}
        </>
      ) : (
        <>
          {member.invitation ? (
            <p>
              Invited as {member.invitation.email} on {formatTimestamp(new Date(member.invitation.sentAt), data.timeZone)}; the link works until{' '}
              {formatTimestamp(new Date(member.invitation.expiresAt), data.timeZone)}. Sending a new one replaces it.
            </p>
          ) : (
            <p>{member.firstName} is on the roster without an account. An account lets them sign in to the portal.</p>
          )}
          {data.may.invite ? <InviteForm key={key} data={data} lastResult={resultFor(answer, 'invite')} /> : null}
        </>
      )}
    </Part>
  )
}

function InviteForm({ data, lastResult }: { data: PageData; lastResult: SubmissionResult<string[]> | undefined }) {
  const [form, fields] = useSchemaForm('invite-member', InviteMemberSchema, lastResult)
  const { member } = data
  const initial = (value: unknown, fallback: string) => (typeof value === 'string' ? value : fallback)
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="grid gap-4 rounded border border-stone-200 p-4 sm:grid-cols-2">
        <input type="hidden" name="intent" value="invite" />
        <Field label="Name on the account" errors={fields.displayName.errors} inputProps={{ id: fields.displayName.id, name: fields.displayName.name, type: 'text', required: true, autoComplete: 'off', defaultValue: initial(fields.displayName.initialValue, `${member.preferredName ?? member.firstName} ${member.lastName}`) }} />
        <Field label="Email address" errors={fields.email.errors} inputProps={{ id: fields.email.id, name: fields.email.name, type: 'email', required: true, autoComplete: 'off', defaultValue: initial(fields.email.initialValue, member.email ?? '') }} />
        <SelectField label="Role" errors={fields.role.errors} selectProps={{ id: fields.role.id, name: fields.role.name, defaultValue: initial(fields.role.initialValue, 'musician') }}>
          {[...ROLES].reverse().map((role) => <option key={role.name} value={role.name}>{role.label}</option>)}
        </SelectField>
        <SelectField label="Section (for section leaders)" errors={fields.sectionId.errors} selectProps={{ id: fields.sectionId.id, name: fields.sectionId.name, defaultValue: initial(fields.sectionId.initialValue, '') }}>
          <option value="">No section</option>
          {data.sections.map((section) => <option key={section.id} value={section.id}>{section.name}</option>)}
        </SelectField>
        <div className="sm:col-span-2"><SubmitButton>Invite this member</SubmitButton></div>
      </Form>
    </>
  )
}

function RolesForm({ sections, errors }: { sections: PageData['sections']; errors: Record<string, string[] | null> | undefined }) {
  return (
    <Form method="post" className="grid gap-4 rounded border border-stone-200 p-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-end">
      <SelectField label="Role" errors={errors?.role} selectProps={{ id: 'member-role', name: 'role', defaultValue: 'musician' }}>
        {[...ROLES].reverse().map((role) => <option key={role.name} value={role.name}>{role.label}</option>)}
      </SelectField>
      <SelectField label="Section (for section leaders)" errors={errors?.sectionId} selectProps={{ id: 'member-role-section', name: 'sectionId', defaultValue: '' }}>
        <option value="">No section</option>
        {sections.map((section) => <option key={section.id} value={section.id}>{section.name}</option>)}
      </SelectField>
      <SubmitButton name="intent" value="grant-role">Give role</SubmitButton>
      <button type="submit" name="intent" value="revoke-role" className="min-h-11 rounded border border-stone-400 px-4 py-2 font-medium hover:bg-stone-100">Take role away</button>
    </Form>
  )
}
