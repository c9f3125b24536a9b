import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from 'react'
import { type DefaultValue, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { href, Link } from 'react-router'
import type { z, ZodObject } from 'zod'
import { PASSWORD_MIN_LENGTH } from '#app/modules/identity/password-limits.ts'

/**
 * Form pieces that give every control a visible label, an optional hint and
 * its errors, tied together with aria-describedby so a screen reader reads them.
 */
type FieldFrame = { label: string; hint?: ReactNode; errors?: string[] | null }

/** The ids a control points at: its hint and its errors (`<id>-hint`, `<id>-error`, as Conform expects). */
function describedBy(id: string, hint: ReactNode, errors?: string[] | null) {
  const hintId = hint ? `${id}-hint` : undefined
  const errorId = errors?.length ? `${id}-error` : undefined
  const aria = { 'aria-describedby': [hintId, errorId].filter(Boolean).join(' ') || undefined, 'aria-invalid': errorId ? true : undefined }
  return { hintId, errorId, aria }
}

/** Label above, then the hint, the control and its errors. */
function LabelledControl({ id, label, hint, errors, children }: FieldFrame & { id: string; children: ReactNode }) {
  const { hintId, errorId } = describedBy(id, hint, errors)
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
      {children}
      <ErrorList id={errorId} errors={errors} />
    </div>
  )
}

// A file input's button looks like the secondary buttons beside it.
const controlStyle =
  'block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700 file:mr-3 file:rounded file:border file:border-stone-400 file:bg-stone-50 file:px-3 file:py-1 file:font-semibold file:text-stone-900 hover:file:bg-stone-100'

export function Field({ label, hint, errors, inputProps }: FieldFrame & { inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string; name: string } }) {
  const { aria } = describedBy(inputProps.id, hint, errors)
  return (
    <LabelledControl id={inputProps.id} label={label} hint={hint} errors={errors}>
      <input {...inputProps} {...aria} className={`${controlStyle} max-w-md`} />
    </LabelledControl>
  )
}

/** A select; its options as `options`, or as `<option>` children. */
export function SelectField({
  label,
  hint,
  errors,
  options,
  children,
  selectProps,
}: FieldFrame & {
  options?: { value: string; label: string }[]
  children?: ReactNode
  selectProps: SelectHTMLAttributes<HTMLSelectElement> & { id: string; name: string }
}) {
  const { aria } = describedBy(selectProps.id, hint, errors)
  return (
    <LabelledControl id={selectProps.id} label={label} hint={hint} errors={errors}>
      <select {...selectProps} {...aria} className={`${controlStyle} min-h-11 max-w-md`}>
        {options?.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
        {children}
      </select>
    </LabelledControl>
  )
}

export function TextAreaField({ label, hint, errors, textareaProps }: FieldFrame & { textareaProps: TextareaHTMLAttributes<HTMLTextAreaElement> & { id: string; name: string } }) {
  const { aria } = describedBy(textareaProps.id, hint, errors)
  return (
    <LabelledControl id={textareaProps.id} label={label} hint={hint} errors={errors}>
      <textarea rows={3} {...textareaProps} {...aria} className={`${controlStyle} max-w-2xl`} />
    </LabelledControl>
  )
}

/** A checkbox with its label beside it (a 44 px tap target), a hint and its errors. */
export function CheckboxField({ label, hint, errors, inputProps }: FieldFrame & { inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string; name: string } }) {
  const { hintId, errorId, aria } = describedBy(inputProps.id, hint, errors)
  return (
    <div className="space-y-1">
      <div className="flex min-h-11 items-center gap-3">
        <input type="checkbox" {...inputProps} {...aria} className="size-6 shrink-0 accent-brand-800" />
        <label htmlFor={inputProps.id} className="py-2 font-medium">
          {label}
        </label>
      </div>
      {hint ? (
        <p id={hintId} className="ml-9 text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
      <div className="ml-9">
        <ErrorList id={errorId} errors={errors} />
      </div>
    </div>
  )
}

export function ErrorList({ id, errors }: { id?: string; errors?: string[] | null }) {
  if (!errors?.length) return null
  return (
    <ul id={id} className="space-y-1 text-sm font-medium text-red-800">
      {errors.map((error) => (
        <li key={error}>{error}</li>
      ))}
    </ul>
  )
}

/** A message at the top of a form: the outcome of the last submission. */
export function FormAlert({ tone = 'error', children }: { tone?: 'error' | 'success' | 'info'; children: ReactNode }) {
  const styles = {
    error: 'border-red-300 bg-red-50 text-red-900',
    success: 'border-green-300 bg-green-50 text-green-900',
    info: 'border-brand-100 bg-brand-50 text-brand-900',
  }[tone]
  return (
    <div role={tone === 'error' ? 'alert' : 'status'} className={`rounded border px-4 py-3 ${styles}`}>
      {children}
    </div>
  )
}

export function SubmitButton({ children, ...props }: { children: ReactNode; name?: string; value?: string; disabled?: boolean }) {
  return (
    <button
      type="submit"
      {...props}
      className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900 disabled:opacity-60"
    >
      {children}
    </button>
  )
}

/**
 * The two fields of every "choose a password" form (invitation, reset,
 * settings): the policy as a hint, browsers' password managers told it is new.
 */
export function NewPasswordFields({
  idPrefix,
  errors,
  label = 'New password',
}: {
  idPrefix: string
  errors: { newPassword?: string[] | null; confirmPassword?: string[] | null }
  label?: string
}) {
  return (
    <>
      <Field
        label={label}
        hint={`At least ${PASSWORD_MIN_LENGTH} characters. A few unrelated words make a strong one.`}
        errors={errors.newPassword}
        inputProps={{ id: `${idPrefix}-new`, name: 'newPassword', type: 'password', autoComplete: 'new-password', required: true, minLength: PASSWORD_MIN_LENGTH }}
      />
      <Field
        label={`${label} again`}
        errors={errors.confirmPassword}
        inputProps={{ id: `${idPrefix}-confirm`, name: 'confirmPassword', type: 'password', autoComplete: 'new-password', required: true }}
      />
    </>
  )
}

/** Recovery codes, shown once after they are made, with the way on once they are saved. */
export function RecoveryCodeList({ codes, children }: { codes: string[]; children: ReactNode }) {
  return (
    <>
      {children}
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-2 font-mono text-sm sm:grid-cols-3 sm:text-lg *:rounded *:bg-stone-100 *:px-1 *:py-2 *:text-center *:whitespace-nowrap">
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <p>
        <Link to={href('/settings/security')} className="inline-flex rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">
          I have saved my codes
        </Link>
      </p>
    </>
  )
}

/**
 * Conform's `useForm` as every form of ours sets it up: the server's last
 * answer, the schema's constraints as HTML attributes, checks on blur when
 * JavaScript is there. A shown error clears while typing, not on blur:
 * clearing it on blur moves the button out from under the click that caused
 * the blur, and the click is lost.
 */
export function useSchemaForm<Schema extends ZodObject>(
  id: string,
  schema: Schema,
  lastResult: SubmissionResult<string[]> | null | undefined,
  /** What the form starts with (an edit form's saved values); after a refused submission it shows what was sent. */
  defaultValue?: DefaultValue<z.input<Schema>>,
) {
  return useForm<z.input<Schema>, z.output<Schema>, string[]>({
    id,
    lastResult,
    defaultValue,
    constraint: getZodConstraint(schema),
    shouldValidate: 'onBlur',
    shouldRevalidate: 'onInput',
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  })
}
