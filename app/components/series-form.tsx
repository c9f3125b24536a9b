import { getFormProps, getInputProps, getSelectProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { useMemo } from 'react'
import { Form, Link, useNavigation } from 'react-router'
import { WEEKDAYS } from '#app/modules/events/local-time.ts'
import { SERIES_MAX_DAYS, seriesFormSchema } from '#app/modules/events/schedule-schema.ts'
import { EVENT_KINDS } from '#app/modules/events/schema.ts'
import { type Choice, KIND_NAMES } from './event-form.tsx'
import { Field, FormAlert, SelectField, TextAreaField, useSchemaForm } from './forms.tsx'
import { FieldGroup, primaryButton, secondaryButton } from './schedule-fields.tsx'

/** What an edit of a series starts from; empty strings for fields not set. */
export type SeriesFormValues = {
  kind: string
  title: string
  weekday: string
  startTime: string
  endTime: string
  callMinutesBefore: string
  startsOn: string
  endsOn: string
  venueId: string
  sectionId: string
  dress: string
  description: string
}

type Name = keyof SeriesFormValues | 'skipDates'

/** The form of a weekly series: new at /portal/events/series/new, edited on the series page. */
export function SeriesForm({
  timeZone,
  lastResult,
  stored,
  venues,
  sections,
  submitLabel,
  cancelTo,
  withSkipDates,
}: {
  timeZone: string
  lastResult: SubmissionResult<string[]> | undefined
  stored: SeriesFormValues | null
  venues: Choice[]
  sections: Choice[]
  submitLabel: string
  cancelTo?: string
  withSkipDates?: boolean
}) {
  const schema = useMemo(() => seriesFormSchema(timeZone), [timeZone])
  const [form, fields] = useSchemaForm(withSkipDates ? 'series-form' : 'series-edit', schema, lastResult)
  const busy = useNavigation().state === 'submitting'
  const start = (name: Name, fallback = ''): string => {
    if (lastResult) return typeof fields[name].initialValue === 'string' ? fields[name].initialValue : ''
    return stored && name !== 'skipDates' ? stored[name] : fallback
  }
  const input = (name: Exclude<Name, 'weekday' | 'callMinutesBefore'>, type: 'text' | 'date' | 'time' = 'text') => ({
    ...getInputProps(fields[name], { type }),
    defaultValue: start(name),
  })
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      {lastResult && !form.errors?.length ? <FormAlert>Please correct the fields marked below.</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl space-y-6">
        {withSkipDates ? null : <input type="hidden" name="intent" value="update" />}
        <FieldGroup legend="What">
          <SelectField
            label="Kind"
            errors={fields.kind.errors}
            options={EVENT_KINDS.map((kind) => ({ value: kind, label: KIND_NAMES[kind] }))}
            selectProps={{ ...getSelectProps(fields.kind), defaultValue: start('kind', 'rehearsal') }}
          />
          <Field label="Title" hint="Each date is called this, e.g. “Rehearsal”." errors={fields.title.errors} inputProps={{ ...input('title'), autoComplete: 'off' }} />
          <SelectField
            label="Section"
            hint="For sectionals only."
            errors={fields.sectionId.errors}
            options={[{ value: '', label: 'Whole band' }, ...sections.map((section) => ({ value: section.id, label: section.name }))]}
            selectProps={{ ...getSelectProps(fields.sectionId), defaultValue: start('sectionId') }}
          />
        </FieldGroup>

        <FieldGroup legend="Every week">
          <p className="text-sm text-stone-700">Times are the band’s ({timeZone}) and stay the same when the clocks change.</p>
          <SelectField
            label="Day of the week"
            errors={fields.weekday.errors}
            options={WEEKDAYS.map((day, index) => ({ value: String(index), label: day }))}
            selectProps={{ ...getSelectProps(fields.weekday), defaultValue: start('weekday', '2') }}
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Starts" hint="For example 19:30." errors={fields.startTime.errors} inputProps={input('startTime', 'time')} />
            <Field label="Ends" hint="On the same day." errors={fields.endTime.errors} inputProps={input('endTime', 'time')} />
            <Field label="Call, minutes before" hint="Optional, 0–240." errors={fields.callMinutesBefore.errors} inputProps={{ ...getInputProps(fields.callMinutesBefore, { type: 'number' }), defaultValue: start('callMinutesBefore'), inputMode: 'numeric' }} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="From" hint="The first date it may fall on." errors={fields.startsOn.errors} inputProps={input('startsOn', 'date')} />
            <Field label="To" hint={`The last date; at most ${SERIES_MAX_DAYS} days after the first.`} errors={fields.endsOn.errors} inputProps={input('endsOn', 'date')} />
          </div>
          {withSkipDates ? (
            <TextAreaField
              label="Dates to skip"
              hint="Optional: half term, a booked hall. Dates like 2026-10-27, separated by commas."
              errors={fields.skipDates.errors}
              textareaProps={{ ...getTextareaProps(fields.skipDates), defaultValue: start('skipDates'), rows: 2 }}
            />
          ) : null}
        </FieldGroup>

        <FieldGroup legend="Where and what to wear">
          <SelectField
            label="Venue"
            errors={fields.venueId.errors}
            options={[{ value: '', label: 'No venue yet' }, ...venues.map((venue) => ({ value: venue.id, label: venue.name }))]}
            selectProps={{ ...getSelectProps(fields.venueId), defaultValue: start('venueId') }}
          />
          <Field label="Dress" hint="Optional." errors={fields.dress.errors} inputProps={input('dress')} />
          <TextAreaField
            label="Notes for members"
            errors={fields.description.errors}
            textareaProps={{ ...getTextareaProps(fields.description), defaultValue: start('description') }}
          />
        </FieldGroup>

        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton} disabled={busy}>
            {submitLabel}
          </button>
          {cancelTo ? (
            <Link to={cancelTo} className={secondaryButton}>
              Back without saving
            </Link>
          ) : null}
        </div>
      </Form>
    </>
  )
}
