import { Form, href } from 'react-router'
import { secondaryButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { RESTORE_DAYS } from '#app/modules/library/piece-schema.ts'
import { listDeletedPieces, restorePiece } from '#app/modules/library/pieces.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.deleted'

export const meta: Route.MetaFunction = () => [{ title: 'Deleted pieces · Music library' }]

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const [pieces, band] = await Promise.all([listDeletedPieces(runtime.db), bandProfile(runtime)])
  return { pieces, timeZone: band.timeZone }
}

export async function action(args: Route.ActionArgs) {
  // Restoring undoes a delete: the same permission as deleting.
  const user = requirePermission(args, 'music.delete')
  const runtime = args.context.get(runtimeContext)
  const pieceId = String((await args.request.formData()).get('pieceId') ?? '')
  const restored = await restorePiece(runtime.db, pieceId, auditContextOf(args, user))
  if (!restored) notFound(`That piece is not among those deleted in the last ${RESTORE_DAYS} days.`)
  return redirectWithToast(runtime, href('/library/pieces/:pieceId', { pieceId }), `${restored.title} is back in the catalogue.`)
}

export default function DeletedPieces({ loaderData }: Route.ComponentProps) {
  const { pieces } = loaderData
  const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: loaderData.timeZone })
  return (
    <div className="space-y-6">
      <h1 className="text-3xl font-bold tracking-tight">Deleted pieces</h1>
      <p className="text-stone-700">Pieces deleted in the last {RESTORE_DAYS} days. Older ones are purged from the admin trash.</p>
      {pieces.length === 0 ? (
        <p className="rounded-lg border border-stone-200 bg-white p-4 text-stone-700">Nothing deleted lately.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
          <table className="w-full text-left">
            <thead className="bg-stone-50">
              <tr>
                <th scope="col" className="px-3 py-2">Piece</th>
                <th scope="col" className="px-3 py-2">Deleted</th>
                <th scope="col" className="px-3 py-2">Restorable until</th>
                <th scope="col" className="px-3 py-2"><span className="sr-only">Restore</span></th>
              </tr>
            </thead>
            <tbody>
              {pieces.map((piece) => (
                <tr key={piece.id} className="border-t border-stone-100">
                  <th scope="row" className="px-3 py-2 font-medium">
                    {piece.title}
                    <span className="block text-sm font-normal text-stone-700">{[piece.libraryNumber, piece.composer].filter(Boolean).join(' · ')}</span>
                  </th>
                  <td className="px-3 py-2">{date.format(new Date(piece.deletedAt))}{piece.deletedBy ? ` by ${piece.deletedBy}` : ''}</td>
                  <td className="px-3 py-2">{date.format(new Date(piece.restorableUntil))}</td>
                  <td className="px-3 py-2">
                    <Form method="post">
                      <input type="hidden" name="pieceId" value={piece.id} />
                      <button type="submit" className={secondaryButton}>Restore <span className="sr-only">{piece.title}</span></button>
                    </Form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  )
}
