import type { InputHTMLAttributes, ReactNode } from 'react'
import { type DefaultValue, type SubmissionResult, useForm } from '@conform-to/react'
import { getZodConstraint, parseWithZod } from '@conform-to/zod/v4'
import { href, Link } from 'react-router'
import type { z, ZodObject } from 'zod'
import { PASSWORD_MIN_LENGTH } from '#app/modules/identity/password-limits.ts'

/**
 * Form pieces that give every input a visible label, an optional hint and its
 * errors, tied together with aria-describedby so a screen reader reads them.
 */
export function Field({
  label,
  hint,
  errors,
  inputProps,
}: {
  label: string
  hint?: ReactNode
  errors?: string[] | null
  inputProps: InputHTMLAttributes<HTMLInputElement> & { id: string; name: string }
}) {
  const hintId = hint ? `${inputProps.id}-hint` : undefined
  const errorId = errors?.length ? `${inputProps.id}-error` : undefined
  return (
    <div className="space-y-1">
      <label htmlFor={inputProps.id} className="block font-medium">
        {label}
      </label>
      {hint ? (
        <p id={hintId} className="text-sm text-stone-700">
          {hint}
        </p>
      ) : null}
      <input
        {...inputProps}
        aria-invalid={errorId ? true : undefined}
        aria-describedby={[hintId, errorId].filter(Boolean).join(' ') || undefined}
        className="block w-full max-w-md rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700"
      />
      <ErrorList id={errorId} errors={errors} />
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
      className="rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900 disabled:opacity-60"
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
