import type { ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react'
import { ErrorList } from './forms.tsx'

/**
 * The select, text area and checkbox of the scheduling forms, laid out like
 * `Field`: a visible label, an optional hint and the errors, tied together
 * with aria-describedby (the error list's id is `<id>-error`, as Conform and
 * `Field` expect).
 */

const describedBy = (id: string, hint: ReactNode, errors?: string[] | null) =>
  [hint ? `${id}-hint` : '', errors?.length ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined

function Label({ id, label, hint }: { id: string; label: string; hint?: ReactNode }) {
  return (
    <>
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
    </>
  )
}

export function SelectField({
  label,
  hint,
  errors,
  options,
  selectProps,
}: {
  label: string
  hint?: ReactNode
  errors?: string[] | null
  options: { value: string; label: string }[]
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { id: string; name: string }
}) {
  const { id } = selectProps
  return (
    <div className="space-y-1">
      <Label id={id} label={label} hint={hint} />
      <select
        {...selectProps}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        className="block min-h-11 w-full max-w-md rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700"
      >
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
      <ErrorList id={errors?.length ? `${id}-error` : undefined} errors={errors} />
    </div>
  )
}

export function TextAreaField({
  label,
  hint,
  errors,
  textareaProps,
}: {
  label: string
  hint?: ReactNode
  errors?: string[] | null
  textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string; name: string }
}) {
  const { id } = textareaProps
  return (
    <div className="space-y-1">
      <Label id={id} label={label} hint={hint} />
      <textarea
        rows={4}
        {...textareaProps}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={describedBy(id, hint, errors)}
        className="block w-full max-w-2xl rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700"
      />
      <ErrorList id={errors?.length ? `${id}-error` : undefined} errors={errors} />
    </div>
  )
}

export function CheckboxField({
  label,
  hint,
  errors,
  id,
  name,
  defaultChecked,
  required,
}: {
  label: string
  hint?: ReactNode
  errors?: string[] | null
  id: string
  name: string
  defaultChecked?: boolean
  required?: boolean
}) {
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="flex min-h-11 items-center gap-3 font-medium">
        <input
          type="checkbox"
          id={id}
          name={name}
          defaultChecked={defaultChecked}
          required={required}
          aria-invalid={errors?.length ? true : undefined}
          aria-describedby={describedBy(id, hint, errors)}
          className="size-5 accent-brand-800"
        />
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
      <ErrorList id={errors?.length ? `${id}-error` : undefined} errors={errors} />
    </div>
  )
}

/** A group of fields with a heading, for long forms read on a phone. */
export function FieldGroup({ legend, children }: { legend: string; children: ReactNode }) {
  return (
    <fieldset className="space-y-4 rounded-lg border border-stone-200 bg-white p-4 sm:p-5">
      <legend className="px-1 text-lg font-semibold">{legend}</legend>
      {children}
    </fieldset>
  )
}

/** A link styled as a secondary button (Cancel, Back), at least 44 px tall. */
export const secondaryButton =
  'inline-flex min-h-11 items-center rounded border border-stone-400 bg-white px-4 py-2 font-semibold text-stone-900 hover:bg-stone-100'
export const primaryButton = 'inline-flex min-h-11 items-center rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900'
export const dangerButton = 'inline-flex min-h-11 items-center rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900'
