import type { ReactNode } from 'react'
import { STATUS_LABELS } from '#app/modules/members/schema.ts'
import type { MemberStatus } from '#db/types.ts'

/** Pieces shared by the roster and member pages (/admin/members…). */

const STATUS_STYLES: Record<MemberStatus, string> = {
  active: 'bg-green-100 text-green-900',
  on_leave: 'bg-amber-100 text-amber-900',
  inactive: 'bg-stone-200 text-stone-800',
  alumni: 'bg-brand-50 text-brand-900',
}

export function StatusBadge({ status }: { status: MemberStatus }) {
  return <span className={`inline-block rounded-full px-2.5 py-0.5 text-xs font-semibold ${STATUS_STYLES[status]}`}>{STATUS_LABELS[status]}</span>
}

export type AccountState = 'none' | 'invited' | 'active' | 'disabled' | 'locked'

const ACCOUNT_LABELS: Record<AccountState, string> = {
  none: 'No account',
  invited: 'Invited',
  active: 'Active account',
  disabled: 'Account disabled',
  locked: 'Account locked',
}

export function AccountBadge({ state }: { state: AccountState }) {
  const style = state === 'active' ? 'text-green-900' : state === 'none' ? 'text-stone-600' : state === 'invited' ? 'text-brand-800' : 'text-red-800'
  return <span className={`text-sm ${style}`}>{ACCOUNT_LABELS[state]}</span>
}

export function Badge({ children }: { children: ReactNode }) {
  return <span className="inline-block rounded-full bg-stone-100 px-2.5 py-0.5 text-xs font-semibold uppercase tracking-wide text-stone-700">{children}</span>
}

/** A link styled as a secondary button (≥ 44 px tall). */
export const buttonLink = 'inline-flex min-h-11 items-center rounded border border-stone-400 bg-white px-4 py-2 font-medium text-stone-900 hover:bg-stone-100'
export const primaryLink = 'inline-flex min-h-11 items-center rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900'
