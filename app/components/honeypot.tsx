/**
 * A field people never see or fill in, but form-filling bots do. Public forms
 * include it and their actions call `isHoneypotFilled()` first; a filled one
 * gets the ordinary success answer and nothing happens.
 */
export const HONEYPOT_FIELD = 'website'

export function HoneypotField() {
  return (
    <div aria-hidden="true" className="absolute -left-[9999px] h-px w-px overflow-hidden">
      <label htmlFor="hp-website">Leave this field empty</label>
      <input id="hp-website" name={HONEYPOT_FIELD} type="text" tabIndex={-1} autoComplete="off" defaultValue="" />
    </div>
  )
}

export function isHoneypotFilled(form: FormData): boolean {
  const value = form.get(HONEYPOT_FIELD)
  return typeof value === 'string' && value.trim() !== ''
}
