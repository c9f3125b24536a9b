import type { ReactNode } from 'react'

/** The field groups and buttons of the scheduling forms (their fields are in forms.tsx). */

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
