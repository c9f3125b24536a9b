import type { Toast } from '#app/platform/toast.server.ts'

/**
 * The one-time message after a redirect ("Invitation sent"). A polite live
 * region, so a screen reader announces it without moving focus; it stays on
 * the page (no JavaScript needed to see or dismiss it).
 */
export function ToastMessage({ toast }: { toast: Toast | null }) {
  const tone =
    toast?.kind === 'error'
      ? 'border-red-300 bg-red-50 text-red-900'
      : toast?.kind === 'info'
        ? 'border-sky-300 bg-sky-50 text-sky-900'
        : 'border-emerald-300 bg-emerald-50 text-emerald-900'
  return (
    <div role="status" aria-live="polite" className="pointer-events-none fixed inset-x-0 bottom-4 z-40 flex justify-center px-4">
      {toast ? (
        <p className={`pointer-events-auto max-w-md rounded-lg border px-4 py-3 shadow-lg ${tone}`}>{toast.message}</p>
      ) : null}
    </div>
  )
}
