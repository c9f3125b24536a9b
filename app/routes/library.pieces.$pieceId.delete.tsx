import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { FormAlert } from '#app/components/forms.tsx'
import { dangerButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { DeletePieceSchema, RESTORE_DAYS } from '#app/modules/library/piece-schema.ts'
import { deletePiece, getPiece, pieceDeletionImpact } from '#app/modules/library/pieces.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.pieces.$pieceId.delete'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Delete ${loaderData.piece.title} · Music library` : 'Delete piece' }]

const NO_PIECE = 'There is no such piece. It may have been deleted already.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.delete')
  const runtime = args.context.get(runtimeContext)
  const band = await bandProfile(runtime)
  const piece = await getPiece(runtime.db, args.params.pieceId, { kind: 'all' }, band.timeZone)
  if (!piece) notFound(NO_PIECE)
  return { piece: { id: piece.id, title: piece.title, libraryNumber: piece.libraryNumber }, impact: await pieceDeletionImpact(runtime.db, piece.id), timeZone: band.timeZone }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.delete')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: DeletePieceSchema })
  if (submission.status !== 'success') return data({ error: 'Tick the box to confirm you want it deleted.' }, { status: 400 })
  const deleted = await deletePiece(runtime.db, args.params.pieceId, auditContextOf(args, user))
  if (!deleted) notFound(NO_PIECE)
  return redirectWithToast(runtime, href('/library'), `${deleted.title} is deleted. Restore it from Deleted within ${RESTORE_DAYS} days.`)
}

export default function DeletePiece({ loaderData, actionData }: Route.ComponentProps) {
  const { piece, impact } = loaderData
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: loaderData.timeZone })
  return (
    <div className="max-w-3xl space-y-6">
      <p>
        <BackLink to={href('/library/pieces/:pieceId', { pieceId: piece.id })}>{piece.title}</BackLink>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Delete {piece.title}?</h1>
      <div className="space-y-2 text-stone-800">
        <p>
          It leaves the catalogue with its {impact.parts} part{impact.parts === 1 ? '' : 's'} and their files. You can restore it from Deleted for {RESTORE_DAYS} days.
          {piece.libraryNumber ? ` Its number ${piece.libraryNumber} stays taken: library numbers are never reused.` : ''}
        </p>
        {impact.upcomingEvents.length ? (
          <>
            <p className="font-semibold">It is on the set list of upcoming events; members will no longer see its parts there:</p>
            <ul className="list-disc pl-6">
              {impact.upcomingEvents.map((event) => (
                <li key={event.id}>{event.title}, {date.format(new Date(event.startsAt))}</li>
              ))}
            </ul>
          </>
        ) : null}
      </div>
      {actionData && 'error' in actionData ? <FormAlert>{actionData.error}</FormAlert> : null}
      <Form method="post" className="space-y-3 rounded-lg border border-red-200 bg-white p-4 sm:p-5">
        <input type="hidden" name="intent" value="delete" />
        <label htmlFor="confirm-delete" className="flex min-h-11 items-center gap-3">
          <input type="checkbox" id="confirm-delete" name="confirm" required className="size-5 accent-red-800" />
          Yes, delete {piece.title}
        </label>
        <button type="submit" className={dangerButton}>Delete the piece</button>
      </Form>
    </div>
  )
}
