import { getFormProps, getInputProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form, Link, useNavigation } from 'react-router'
import { VenueSchema } from '#app/modules/events/schedule-schema.ts'
import { Field, FormAlert, TextAreaField, useSchemaForm } from './forms.tsx'
import { FieldGroup, primaryButton, secondaryButton } from './schedule-fields.tsx'

export type VenueValues = { name: string; address: string; city: string; postcode: string; mapUrl: string; notes: string }

/** The venue form of /portal/venues/new and /portal/venues/:venueId. */
export function VenueForm({
  lastResult,
  stored,
  submitLabel,
  cancelTo,
}: {
  lastResult: SubmissionResult<string[]> | undefined
  stored: VenueValues | null
  submitLabel: string
  cancelTo: string
}) {
  const [form, fields] = useSchemaForm('venue-form', VenueSchema, lastResult)
  const busy = useNavigation().state === 'submitting'
  const start = (name: keyof VenueValues) =>
    lastResult ? (typeof fields[name].initialValue === 'string' ? fields[name].initialValue : '') : (stored?.[name] ?? '')
  const input = (name: Exclude<keyof VenueValues, 'notes'>, type: 'text' | 'url' = 'text') => ({
    ...getInputProps(fields[name], { type }),
    defaultValue: start(name),
    autoComplete: 'off',
  })
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl space-y-6">
        <input type="hidden" name="intent" value="save" />
        <FieldGroup legend="The venue">
          <Field label="Name" hint="For example “St Mark’s Church Hall”." errors={fields.name.errors} inputProps={input('name')} />
          <Field label="Address" errors={fields.address.errors} inputProps={input('address')} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Town or city" errors={fields.city.errors} inputProps={input('city')} />
            <Field label="Postcode" errors={fields.postcode.errors} inputProps={input('postcode')} />
          </div>
          <Field
            label="Map link"
            hint="Optional: a link to the venue on a map, starting with https://."
            errors={fields.mapUrl.errors}
            inputProps={{ ...input('mapUrl', 'url'), inputMode: 'url' }}
          />
          <TextAreaField
            label="Notes for members"
            hint="Parking, access, where to load in."
            errors={fields.notes.errors}
            textareaProps={{ ...getTextareaProps(fields.notes), defaultValue: start('notes') }}
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
