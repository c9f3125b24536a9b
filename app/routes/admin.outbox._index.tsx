import { href, Link } from 'react-router'
import { getBandProfile } from '#app/modules/settings/band-profile.server.ts'
import { listOutbox } from '#app/modules/email/queries.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/admin.outbox._index'

export const meta: Route.MetaFunction = () => [{ title: 'Email outbox' }]

const PAGE_SIZE = 50

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'outbox.view')
  const runtime = args.context.get(runtimeContext)
  const url = new URL(args.request.url)
  const beforeAt = url.searchParams.get('beforeAt')
  const beforeId = url.searchParams.get('beforeId')
  const before = beforeAt && beforeId && !Number.isNaN(Date.parse(beforeAt)) ? { createdAt: new Date(beforeAt), id: beforeId } : undefined
  const [messages, band] = await Promise.all([listOutbox(runtime.db, { before, limit: PAGE_SIZE + 1 }), getBandProfile(runtime.db)])
  const last = messages[PAGE_SIZE - 1]
  return {
    mode: runtime.mail.mode,
    timeZone: band.timeZone,
    messages: messages.slice(0, PAGE_SIZE),
    next: messages.length > PAGE_SIZE && last ? { beforeAt: last.createdAt.toISOString(), beforeId: last.id } : null,
  }
}

export default function Outbox({ loaderData }: Route.ComponentProps) {
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold">Email outbox</h1>
      <p>
        {loaderData.mode === 'outbox'
          ? 'No mail server is configured (SMTP_URL), so messages are kept here instead of being sent. Pass invitation and reset links on by hand, or configure SMTP.'
          : 'Every message the site sent, newest first.'}
      </p>
      {loaderData.messages.length === 0 ? (
        <p>No messages yet.</p>
      ) : (
        <ul className="divide-y divide-stone-200 rounded border border-stone-200 bg-white">
          {loaderData.messages.map((message) => (
            <li key={message.id} className="p-3">
              <p className="font-medium">
                <Link to={href('/admin/outbox/:messageId', { messageId: message.id })} className="text-brand-800 underline">
                  {message.subject}
                </Link>
              </p>
              <p className="text-sm text-stone-700">
                To {message.toAddress} · {message.purpose.replace('_', ' ')} · {message.status}
                {message.error ? ` (${message.error})` : ''} · {formatEventDate(new Date(message.createdAt), loaderData.timeZone)}
              </p>
            </li>
          ))}
        </ul>
      )}
      {loaderData.next ? (
        <p>
          <a className="text-brand-800 underline" href={`?${new URLSearchParams(loaderData.next)}`}>Older messages</a>
        </p>
      ) : null}
    </div>
  )
}
