import { href, Link } from 'react-router'
import { getOutboxMessage } from '#app/modules/email/queries.server.ts'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import type { Route } from './+types/admin.outbox.$messageId'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? loaderData.message.subject : 'Message' }]

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'outbox.view')
  const message = await getOutboxMessage(args.context.get(runtimeContext).db, args.params.messageId)
  if (!message) notFound('There is no such message in the outbox.')
  return { message }
}

export default function OutboxMessage({ loaderData }: Route.ComponentProps) {
  const { message } = loaderData
  return (
    <article className="max-w-3xl space-y-4">
      <p>
        <Link to={href('/admin/outbox')} className="text-brand-800 underline">Back to the outbox</Link>
      </p>
      <h1 className="text-3xl font-bold">{message.subject}</h1>
      <dl className="grid grid-cols-[auto_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="font-semibold">To</dt>
        <dd>{message.toAddress}</dd>
        <dt className="font-semibold">Status</dt>
        <dd>
          {message.status}
          {message.attempts > 0 ? ` after ${message.attempts} ${message.attempts === 1 ? 'try' : 'tries'}` : ''}
        </dd>
        {message.error ? (
          <>
            <dt className="font-semibold">Last error</dt>
            <dd className="text-red-800">{message.error}</dd>
          </>
        ) : null}
      </dl>
      <pre className="whitespace-pre-wrap rounded border border-stone-200 bg-white p-4 font-sans">{message.textBody}</pre>
    </article>
  )
}
