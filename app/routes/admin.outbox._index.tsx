import { href, Link } from 'react-router'
import { z } from 'zod'
import { countOutboxByStatus, listOutbox } from '#app/modules/email/queries.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { EmailStatus } from '#db/types.ts'
import type { Route } from './+types/admin.outbox._index'

export const meta: Route.MetaFunction = () => [{ title: 'Email outbox' }]

const PAGE_SIZE = 50

const STATUSES = ['queued', 'sent', 'stored', 'failed'] as const satisfies readonly EmailStatus[]

const statusWords: Record<EmailStatus, { label: string; badge: string }> = {
  queued: { label: 'Waiting to send', badge: 'bg-amber-100 text-amber-900' },
  sent: { label: 'Sent', badge: 'bg-emerald-100 text-emerald-900' },
  stored: { label: 'Kept here (no mail server)', badge: 'bg-sky-100 text-sky-900' },
  failed: { label: 'Failed', badge: 'bg-red-100 text-red-900' },
}

const OutboxQuery = z.object({
  status: z.enum(STATUSES).optional().catch(undefined),
  beforeAt: z.iso.datetime().optional().catch(undefined),
  beforeId: z.uuid().optional().catch(undefined),
})

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'outbox.view')
  const runtime = args.context.get(runtimeContext)
  const query = OutboxQuery.parse(Object.fromEntries(new URL(args.request.url).searchParams))
  const before = query.beforeAt && query.beforeId ? { createdAt: new Date(query.beforeAt), id: query.beforeId } : undefined
  const [messages, counts, band] = await Promise.all([
    listOutbox(runtime.db, { before, status: query.status, limit: PAGE_SIZE + 1 }),
    countOutboxByStatus(runtime.db),
    bandProfile(runtime),
  ])
  const last = messages[PAGE_SIZE - 1]
  return {
    mode: runtime.mail.mode,
    timeZone: band.timeZone,
    status: query.status ?? null,
    counts,
    messages: messages.slice(0, PAGE_SIZE),
    next:
      messages.length > PAGE_SIZE && last
        ? { ...(query.status ? { status: query.status } : {}), beforeAt: last.createdAt.toISOString(), beforeId: last.id }
        : null,
  }
}

export default function Outbox({ loaderData }: Route.ComponentProps) {
  const { counts, status, timeZone } = loaderData
  const filterClass = (active: boolean) =>
    `inline-flex items-center gap-2 rounded-full border px-3 py-1.5 text-sm ${active ? 'border-brand-800 bg-brand-800 text-white' : 'border-stone-300 bg-white hover:bg-stone-100'}`
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold">Email outbox</h1>
        <p className="max-w-3xl text-stone-700">
          {loaderData.mode === 'outbox'
            ? 'No mail server is configured (SMTP_URL), so messages are kept here instead of being sent.'
            : 'Every message the site sends waits here until the mail server takes it. Failed tries are repeated with growing pauses; a message is marked failed after its last try.'}
        </p>
      </header>

      <nav aria-label="Filter by status">
        <ul className="flex flex-wrap gap-2">
          <li>
            <Link to={href('/admin/outbox')} className={filterClass(status === null)} aria-current={status === null ? 'page' : undefined}>
              All
            </Link>
          </li>
          {STATUSES.map((value) => (
            <li key={value}>
              <Link to={`${href('/admin/outbox')}?status=${value}`} className={filterClass(status === value)} aria-current={status === value ? 'page' : undefined}>
                {statusWords[value].label} <span className="font-semibold">{counts[value]}</span>
              </Link>
            </li>
          ))}
        </ul>
      </nav>

      {loaderData.messages.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          {status ? 'No messages with this status.' : 'No messages yet. Invitations, password links and notices will appear here.'}
        </p>
      ) : (
        <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
          {loaderData.messages.map((message) => (
            <li key={message.id} className="space-y-1 p-4">
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <Link to={href('/admin/outbox/:messageId', { messageId: message.id })} className="font-medium text-brand-800 underline">
                  {message.subject}
                </Link>
                <span className={`rounded-full px-2.5 py-0.5 text-xs font-semibold ${statusWords[message.status].badge}`}>
                  {statusWords[message.status].label}
                </span>
              </div>
              <p className="text-sm text-stone-700">
                To {message.toAddress} · {message.purpose.replaceAll('_', ' ')} · queued {formatTimestamp(new Date(message.createdAt), timeZone)}
                {message.attempts > 0 ? ` · ${message.attempts} ${message.attempts === 1 ? 'try' : 'tries'}` : ''}
                {message.lastAttemptAt ? `, last ${formatTimestamp(new Date(message.lastAttemptAt), timeZone)}` : ''}
              </p>
              {message.error ? (
                <p className="text-sm text-red-800">
                  <span className="font-semibold">Last error:</span> {message.error}
                </p>
              ) : null}
            </li>
          ))}
        </ul>
      )}
      {loaderData.next ? (
        <p>
          <Link className="text-brand-800 underline" to={`?${new URLSearchParams(loaderData.next)}`}>
            Older messages
          </Link>
        </p>
      ) : null}
    </div>
  )
}
