import { Field } from '#app/components/forms.tsx'
import { SelectField, TextAreaField } from '#app/components/forms.tsx'
import { KIND_LABELS, MEMBER_KINDS } from '#app/modules/members/schema.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'

/** What a Conform field gives these inputs: its ids, errors and what was typed before a refusal. */
type FieldLike = { id: string; name: string; errors?: string[]; initialValue?: unknown }

export type ProfileFieldSet = Record<
  'firstName' | 'lastName' | 'preferredName' | 'pronouns' | 'email' | 'phone' | 'joinedOn' | 'notes' | 'kind' | 'engagedEventId' | 'engagedUntil',
  FieldLike
>

export type ProfileValues = {
  firstName: string
  lastName: string
  preferredName: string | null
  pronouns: string | null
  email: string | null
  phone: string | null
  joinedOn: string | null
  notes: string | null
  kind: string
  engagedEventId: string | null
  engagedUntil: string | null
}

/** The typed value after a refused submission, else the stored one. */
function initial(field: FieldLike, stored: string | null | undefined): string {
  return typeof field.initialValue === 'string' ? field.initialValue : (stored ?? '')
}

/** Names, contact, joined date, notes, and for guests and substitutes what they play for. */
export function ProfileFields({
  fields,
  values,
  events,
  timeZone,
}: {
  fields: ProfileFieldSet
  values?: ProfileValues
  events: { id: string; title: string; startsAt: Date | string }[]
  timeZone: string
}) {
  const text = (field: FieldLike, stored: string | null | undefined, type = 'text', extra: Record<string, string | boolean | number> = {}) => ({
    id: field.id,
    name: field.name,
    type,
    defaultValue: initial(field, stored),
    ...extra,
  })
  return (
    <div className="space-y-4">
      <div className="grid gap-4 sm:grid-cols-2">
        <Field label="First name" errors={fields.firstName.errors} inputProps={text(fields.firstName, values?.firstName, 'text', { required: true, maxLength: 100, autoComplete: 'off' })} />
        <Field label="Last name" errors={fields.lastName.errors} inputProps={text(fields.lastName, values?.lastName, 'text', { required: true, maxLength: 100, autoComplete: 'off' })} />
        <Field label="Preferred name (optional)" hint="What the band calls them, if not their first name." errors={fields.preferredName.errors} inputProps={text(fields.preferredName, values?.preferredName, 'text', { maxLength: 100, autoComplete: 'off' })} />
        <Field label="Pronouns (optional)" errors={fields.pronouns.errors} inputProps={text(fields.pronouns, values?.pronouns, 'text', { maxLength: 40, autoComplete: 'off' })} />
        <Field label="Email (optional)" errors={fields.email.errors} inputProps={text(fields.email, values?.email, 'email', { maxLength: 254, autoComplete: 'off' })} />
        <Field label="Phone (optional)" errors={fields.phone.errors} inputProps={text(fields.phone, values?.phone, 'tel', { maxLength: 40, autoComplete: 'off' })} />
        <Field label="Joined on (optional)" hint="YYYY-MM-DD" errors={fields.joinedOn.errors} inputProps={text(fields.joinedOn, values?.joinedOn, 'date')} />
      </div>
      <fieldset className="space-y-3 rounded border border-stone-200 p-4">
        <legend className="px-1 font-semibold">Plays as</legend>
        <SelectField label="Kind" errors={fields.kind.errors} selectProps={{ id: fields.kind.id, name: fields.kind.name, defaultValue: initial(fields.kind, values?.kind ?? 'member') }}>
          {MEMBER_KINDS.map((kind) => (
            <option key={kind} value={kind}>{KIND_LABELS[kind]}{kind === 'member' ? ' (all season)' : ''}</option>
          ))}
        </SelectField>
        <p className="text-sm text-stone-700">A guest or substitute plays for one event, or until a date: give one of the two.</p>
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField label="For the event" errors={fields.engagedEventId.errors} selectProps={{ id: fields.engagedEventId.id, name: fields.engagedEventId.name, defaultValue: initial(fields.engagedEventId, values?.engagedEventId) }}>
            <option value="">No single event</option>
            {events.map((event) => (
              <option key={event.id} value={event.id}>{event.title} — {formatEventDate(new Date(event.startsAt), timeZone)}</option>
            ))}
          </SelectField>
          <Field label="Or until" hint="YYYY-MM-DD" errors={fields.engagedUntil.errors} inputProps={text(fields.engagedUntil, values?.engagedUntil, 'date')} />
        </div>
      </fieldset>
      <TextAreaField label="Notes (optional)" hint="Only the band’s admins and directors see these." errors={fields.notes.errors} textareaProps={{ id: fields.notes.id, name: fields.notes.name, maxLength: 2000, defaultValue: initial(fields.notes, values?.notes) }} />
    </div>
  )
}
