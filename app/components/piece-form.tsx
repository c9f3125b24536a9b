import { getFormProps, type SubmissionResult } from '@conform-to/react'
import { Form, Link } from 'react-router'
import {
  ARRANGER_ROLE_LABELS,
  ARRANGER_ROLES,
  GRADES,
  OWNERSHIP_LABELS,
  OWNERSHIPS,
  PARTS_STATUS_LABELS,
  PARTS_STATUSES,
  PHYSICAL_SIZE_LABELS,
  PHYSICAL_SIZES,
  PieceSchema,
} from '#app/modules/library/piece-schema.ts'
import { Field, FormAlert, SelectField, TextAreaField, useSchemaForm } from './forms.tsx'
import { FieldGroup, primaryButton, secondaryButton } from './schedule-fields.tsx'

/** What the form starts with: a piece's saved values as form text. */
export type PieceValues = Record<
  | 'libraryNumber' | 'title' | 'alternateTitles' | 'subtitle' | 'composer' | 'arranger' | 'arrangerRole' | 'publisher' | 'edition'
  | 'year' | 'genre' | 'tags' | 'grade' | 'gradeSource' | 'duration' | 'instrumentation' | 'ensemble' | 'physicalSize'
  | 'shelfLocation' | 'ownership' | 'lender' | 'rentalDueOn' | 'partsStatus' | 'missingParts' | 'notes',
  string
>

/** The piece form of /library/pieces/new and /library/pieces/:pieceId/edit. */
export function PieceForm({
  lastResult,
  stored,
  names,
  submitLabel,
  cancelTo,
}: {
  lastResult: SubmissionResult<string[]> | undefined
  stored: PieceValues
  names: string[]
  submitLabel: string
  cancelTo: string
}) {
  const [form, fields] = useSchemaForm('piece-form', PieceSchema, lastResult)
  const start = (name: keyof PieceValues) => {
    if (!lastResult) return stored[name]
    const value = fields[name].initialValue
    return typeof value === 'string' ? value : Array.isArray(value) ? value.join(name === 'tags' ? ', ' : '\n') : ''
  }
  const text = (name: keyof PieceValues, extra: Record<string, unknown> = {}) => ({
    id: fields[name].id,
    name: fields[name].name,
    defaultValue: start(name),
    autoComplete: 'off',
    ...extra,
  })
  const select = (name: keyof PieceValues) => ({ id: fields[name].id, name: fields[name].name, defaultValue: start(name) })
  // After a refused save (the page reloads at the top without JavaScript), say where to look.
  const fieldsInError = Object.entries(lastResult?.error ?? {}).filter(([name, errors]) => name !== '' && errors?.length).length
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      {!form.errors?.length && fieldsInError ? (
        <FormAlert>{`Nothing was saved: ${fieldsInError === 1 ? 'one field needs' : `${fieldsInError} fields need`} correcting, marked below.`}</FormAlert>
      ) : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl space-y-6">
        <datalist id="person-names">
          {names.map((name) => <option key={name} value={name} />)}
        </datalist>
        <FieldGroup legend="Title and people">
          <Field label="Library number" hint="Never reused. Add-ons such as 46.1 are fine." errors={fields.libraryNumber.errors} inputProps={text('libraryNumber')} />
          <Field label="Title" hint="As printed; “The Stars and Stripes Forever” is filed under S." errors={fields.title.errors} inputProps={text('title', { required: true })} />
          <TextAreaField label="Alternate titles" hint="One per line." errors={fields.alternateTitles.errors} textareaProps={text('alternateTitles')} />
          <Field label="Subtitle or movements" errors={fields.subtitle.errors} inputProps={text('subtitle')} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Composer" hint="Choose a name or type a new one." errors={fields.composer.errors} inputProps={text('composer', { list: 'person-names' })} />
            <Field label="Arranger or editor" hint="Or transcriber; the role is below." errors={fields.arranger.errors} inputProps={text('arranger', { list: 'person-names' })} />
          </div>
          <SelectField label="The arranger’s role" errors={fields.arrangerRole.errors} selectProps={select('arrangerRole')} options={ARRANGER_ROLES.map((role) => ({ value: role, label: ARRANGER_ROLE_LABELS[role] }))} />
        </FieldGroup>
        <FieldGroup legend="Edition and music">
          <div className="grid gap-4 sm:grid-cols-3">
            <Field label="Publisher" errors={fields.publisher.errors} inputProps={text('publisher')} />
            <Field label="Edition" errors={fields.edition.errors} inputProps={text('edition')} />
            <Field label="Year" errors={fields.year.errors} inputProps={text('year', { inputMode: 'numeric' })} />
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Genre" hint="March, overture, film music…" errors={fields.genre.errors} inputProps={text('genre')} />
            <Field label="Tags" hint="Separated by commas." errors={fields.tags.errors} inputProps={text('tags')} />
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField label="Grade" hint="From 0.5 (easiest) to 6." errors={fields.grade.errors} selectProps={select('grade')}>
              <option value="">Not graded</option>
              {GRADES.map((grade) => <option key={grade} value={grade}>{grade}</option>)}
            </SelectField>
            <Field label="Graded by" hint="Publisher, J.W. Pepper, us…" errors={fields.gradeSource.errors} inputProps={text('gradeSource')} />
            <Field label="Duration" hint="Minutes:seconds, like 7:30." errors={fields.duration.errors} inputProps={text('duration', { inputMode: 'numeric' })} />
          </div>
          <Field
            label="Instrumentation"
            hint="Flutes, oboes, clarinets, bassoons – horns, trumpets, trombones, tuba – then the rest: 2222-4231-timp-3perc."
            errors={fields.instrumentation.errors}
            inputProps={text('instrumentation')}
          />
          <Field label="Ensemble" errors={fields.ensemble.errors} inputProps={text('ensemble')} />
        </FieldGroup>
        <FieldGroup legend="On the shelf">
          <div className="grid gap-4 sm:grid-cols-2">
            <SelectField label="Size" hint="Of the printed parts." errors={fields.physicalSize.errors} selectProps={select('physicalSize')}>
              <option value="">Not recorded</option>
              {PHYSICAL_SIZES.map((size) => <option key={size} value={size}>{PHYSICAL_SIZE_LABELS[size]}</option>)}
            </SelectField>
            <Field label="Shelf location" hint="Cabinet 3, Drawer B." errors={fields.shelfLocation.errors} inputProps={text('shelfLocation')} />
          </div>
          <div className="grid gap-4 sm:grid-cols-3">
            <SelectField label="Ownership" hint="Whose the set is." errors={fields.ownership.errors} selectProps={select('ownership')} options={OWNERSHIPS.map((value) => ({ value, label: OWNERSHIP_LABELS[value] }))} />
            <Field label="Lender" hint="Rented or borrowed sets only." errors={fields.lender.errors} inputProps={text('lender')} />
            <Field label="Due back" hint="Rented sets only." errors={fields.rentalDueOn.errors} inputProps={text('rentalDueOn', { type: 'date' })} />
          </div>
          <SelectField label="Parts" errors={fields.partsStatus.errors} selectProps={select('partsStatus')} options={PARTS_STATUSES.map((value) => ({ value, label: PARTS_STATUS_LABELS[value] }))} />
          <TextAreaField label="Missing parts" hint="When the set is incomplete." errors={fields.missingParts.errors} textareaProps={text('missingParts')} />
          <TextAreaField label="Notes" errors={fields.notes.errors} textareaProps={text('notes')} />
        </FieldGroup>
        <div className="flex flex-wrap items-center gap-3">
          <button type="submit" className={primaryButton}>{submitLabel}</button>
          <Link to={cancelTo} className={secondaryButton}>Back without saving</Link>
        </div>
      </Form>
    </>
  )
}
