import type { ReactNode } from 'react'
import { Link } from 'react-router'

/** "← Schedule": the way back to the page a page belongs to (a 44 px tap target). */
export function BackLink({ to, children }: { to: string; children: ReactNode }) {
  return (
    <Link to={to} className="inline-flex min-h-11 items-center gap-1.5 font-medium text-brand-800">
      <span aria-hidden="true">←</span>
      <span className="underline">{children}</span>
    </Link>
  )
}
