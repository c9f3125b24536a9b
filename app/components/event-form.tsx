import { getFormProps, getInputProps, getSelectProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { useMemo } from 'react'
import { Form, Link, useNavigation } from 'react-router'
import { eventFormSchema } from '#app/modules/events/schedule-schema.ts'
import { EVENT_KINDS } from '#app/modules/events/schema.ts'
import { CheckboxField, Field, FormAlert, SelectField, TextAreaField, useSchemaForm } from './forms.tsx'
import { FieldGroup, primaryButton, secondaryButton } from './schedule-fields.tsx'

export const KIND_NAMES: Record<(typeof EVENT_KINDS)[number], string> = {
  rehearsal: 'Rehearsal',
  sectional: 'Sectional',
  concert: 'Concert',
  other: 'Other',
}

export type Choice = { id: string; name: string }

/** What an edit starts from; empty strings for fields not set. */
export type EventFormValues = {
  kind: string
  title: string
  sectionId: string
  date: string
  startTime: string
  endTime: string
  callTime: string
  venueId: string
  dress: string
  description: string
  isPublic: boolean
  rsvpDeadlineDate: string
  rsvpDeadlineTime: string
}

/**
 * The event form of /portal/events/new and /portal/events/:eventId/edit.
 * Dates and times are the band's (its time zone is named); after a refused
 * submission the fields hold what was typed, otherwise what is stored.
 */
export function EventForm({
  timeZone,
  lastResult,
  stored,
  venues,
  sections,
  submitLabel,
  cancelTo,
}: {
  timeZone: string
  lastResult: SubmissionResult<string[]> | undefined
  stored: EventFormValues | null
  venues: Choice[]
  sections: Choice[]
  submitLabel: string
  cancelTo: string
}) {
  const schema = useMemo(() => eventFormSchema(timeZone), [timeZone])
  const [form, fields] = useSchemaForm('event-form', schema, lastResult)
  const busy = useNavigation().state === 'submitting'
  // Typed values after a refusal; the stored ones before.
  const start = <K extends keyof EventFormValues>(name: K, fallback: EventFormValues[K]): EventFormValues[K] => {
    if (lastResult) return (fields[name].initialValue ?? (typeof fallback === 'boolean' ? false : '')) as EventFormValues[K]
    return stored ? stored[name] : fallback
  }
  const text = (name: Exclude<keyof EventFormValues, 'isPublic'>, type: 'text' | 'date' | 'time' = 'text') => ({
    ...getInputProps(fields[name], { type }),
    defaultValue: start(name, ''),
  })
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      {lastResult && !form.errors?.length ? <FormAlert>Please correct the fields marked below.</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl space-y-6">
        <FieldGroup legend="What">
          <SelectField
            label="Kind"
            errors={fields.kind.errors}
            options={EVENT_KINDS.map((kind) => ({ value: kind, label: KIND_NAMES[kind] }))}
            selectProps={{ ...getSelectProps(fields.kind), defaultValue: start('kind', 'rehearsal') }}
          />
          <Field label="Title" hint="As members see it in the schedule, e.g. “Spring Concert”." errors={fields.title.errors} inputProps={{ ...text('title'), autoComplete: 'off' }} />
          <SelectField
            label="Section"
            hint="For sectionals only: the section it is for."
            errors={fields.sectionId.errors}
            options={[{ value: '', label: 'Whole band' }, ...sections.map((section) => ({ value: section.id, label: section.name }))]}
            selectProps={{ ...getSelectProps(fields.sectionId), defaultValue: start('sectionId', '') }}
          />
        </FieldGroup>

        <FieldGroup legend="When">
          <p className="text-sm text-stone-700">Dates and times are the band’s ({timeZone}).</p>
          <Field label="Date" hint="For example 2026-10-27." errors={fields.date.errors} inputProps={text('date', 'date')} />
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Call time" hint="Optional: when players arrive." errors={fields.callTime.errors} inputProps={text('callTime', 'time')} />
            <Field label="Starts" hint="For example 19:30." errors={fields.startTime.errors} inputProps={text('startTime', 'time')} />
            <Field label="Ends" hint="On the same day." errors={fields.endTime.errors} inputProps={text('endTime', 'time')} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="RSVP deadline: date" hint="Optional: answers close then." errors={fields.rsvpDeadlineDate.errors} inputProps={text('rsvpDeadlineDate', 'date')} />
            <Field label="RSVP deadline: time" hint="For example 12:00." errors={fields.rsvpDeadlineTime.errors} inputProps={text('rsvpDeadlineTime', 'time')} />
          </div>
        </FieldGroup>

        <FieldGroup legend="Where and what to wear">
          <SelectField
            label="Venue"
            hint="Missing one? Add it under Venues first."
            errors={fields.venueId.errors}
            options={[{ value: '', label: 'No venue yet' }, ...venues.map((venue) => ({ value: venue.id, label: venue.name }))]}
            selectProps={{ ...getSelectProps(fields.venueId), defaultValue: start('venueId', '') }}
          />
          <Field label="Dress" hint="Optional, e.g. “Concert blacks”." errors={fields.dress.errors} inputProps={text('dress')} />
          <TextAreaField
            label="Notes for members"
            errors={fields.description.errors}
            textareaProps={{ ...getTextareaProps(fields.description), defaultValue: start('description', '') }}
          />
          <CheckboxField
            label="Show on the public website"
            hint="Public concerts appear on the Concerts page and in the public calendar."
            errors={fields.isPublic.errors}
            inputProps={{
              id: fields.isPublic.id,
              name: fields.isPublic.name,
              defaultChecked: lastResult ? fields.isPublic.initialValue === 'on' : (stored?.isPublic ?? false),
            }}
          />
        </FieldGroup>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton} disabled={busy}>
            {submitLabel}
          </button>
          <Link to={cancelTo} className={secondaryButton}>
            Back without saving
          </Link>
        </div>
      </Form>
    </>
  )
}
