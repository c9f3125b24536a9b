import type { Toast } from '#app/platform/toast.server.ts'

/**
 * The one-time message after a redirect ("Invitation sent"). A polite live
 * region, so a screen reader announces it without moving focus; it stays on
 * the page (no JavaScript needed to see or dismiss it). Rendered only when
 * there is a message, so a page has no empty status region.
 */
export function ToastMessage({ toast }: { toast: Toast | null }) {
  if (!toast) return null
  const tone =
    toast.kind === 'error'
      ? 'border-red-300 bg-red-50 text-red-900'
      : toast.kind === 'info'
        ? 'border-sky-300 bg-sky-50 text-sky-900'
        : 'border-emerald-300 bg-emerald-50 text-emerald-900'
  return (
    // In a landmark of its own, so no content sits outside one (axe "region").
    <aside aria-label="Message" className={`border-b px-4 py-3 ${tone}`}>
      <p role="status" aria-live="polite" className="mx-auto max-w-6xl font-medium">
        {toast.message}
      </p>
    </aside>
  )
}
