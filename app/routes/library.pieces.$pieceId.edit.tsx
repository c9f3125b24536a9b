import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, href } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { PieceForm } from '#app/components/piece-form.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { formatDuration, PieceSchema } from '#app/modules/library/piece-schema.ts'
import { getPiece, listPersonNames, updatePiece } from '#app/modules/library/pieces.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.pieces.$pieceId.edit'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Edit ${loaderData.piece.title} · Music library` : 'Edit piece' }]

const NO_PIECE = 'There is no such piece. It may have been deleted.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const band = await bandProfile(runtime)
  const [piece, names] = await Promise.all([getPiece(runtime.db, args.params.pieceId, { kind: 'all' }, band.timeZone), listPersonNames(runtime.db)])
  if (!piece) notFound(NO_PIECE)
  return { piece, names }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: PieceSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await updatePiece(runtime.db, args.params.pieceId, submission.value, auditContextOf(args, user))
  if (!outcome.ok) {
    if (outcome.field === 'piece') notFound(NO_PIECE)
    return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  }
  return redirectWithToast(runtime, href('/library/pieces/:pieceId', { pieceId: outcome.value }), `${submission.value.title} is saved.`)
}

export default function EditPiece({ loaderData, actionData }: Route.ComponentProps) {
  const { piece } = loaderData
  const lastResult = (actionData as { result?: SubmissionResult<string[]> } | undefined)?.result
  const here = href('/library/pieces/:pieceId', { pieceId: piece.id })
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={here}>{piece.title}</BackLink>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Edit {piece.title}</h1>
      <PieceForm
        lastResult={lastResult}
        names={loaderData.names}
        submitLabel="Save the piece"
        cancelTo={here}
        stored={{
          libraryNumber: piece.libraryNumber ?? '',
          title: piece.title,
          alternateTitles: piece.alternateTitles.join('\n'),
          subtitle: piece.subtitle ?? '',
          composer: piece.composer ?? '',
          arranger: piece.arranger ?? '',
          arrangerRole: piece.arrangerRole,
          publisher: piece.publisher ?? '',
          edition: piece.edition ?? '',
          year: piece.year === null ? '' : String(piece.year),
          genre: piece.genre ?? '',
          tags: piece.tags.join(', '),
          grade: piece.grade === null ? '' : Number(piece.grade).toFixed(1),
          gradeSource: piece.gradeSource ?? '',
          duration: formatDuration(piece.durationSeconds),
          instrumentation: piece.instrumentation ?? '',
          ensemble: piece.ensemble,
          physicalSize: piece.physicalSize ?? '',
          shelfLocation: piece.shelfLocation ?? '',
          ownership: piece.ownership,
          lender: piece.lender ?? '',
          rentalDueOn: piece.rentalDueOn ?? '',
          partsStatus: piece.partsStatus,
          missingParts: piece.missingParts ?? '',
          notes: piece.notes ?? '',
        }}
      />
    </div>
  )
}
