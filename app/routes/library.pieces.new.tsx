import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, href } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { PieceForm } from '#app/components/piece-form.tsx'
import { auditContextOf, requireAnyPermission } from '#app/modules/identity/auth.server.ts'
import { nextLibraryNumber } from '#app/modules/library/library-numbers.server.ts'
import { PieceSchema } from '#app/modules/library/piece-schema.ts'
import { createPiece, listPersonNames } from '#app/modules/library/pieces.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.pieces.new'

export const meta: Route.MetaFunction = () => [{ title: 'Add a piece · Music library' }]

const EDITORS = ['music.edit', 'music.upload'] as const

export async function loader(args: Route.LoaderArgs) {
  requireAnyPermission(args, EDITORS)
  const { db } = args.context.get(runtimeContext)
  const [libraryNumber, names] = await Promise.all([nextLibraryNumber(db), listPersonNames(db)])
  return { libraryNumber, names }
}

export async function action(args: Route.ActionArgs) {
  const user = requireAnyPermission(args, EDITORS)
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: PieceSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await createPiece(runtime.db, submission.value, user.id, auditContextOf(args, user))
  if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  return redirectWithToast(runtime, href('/library/pieces/:pieceId', { pieceId: outcome.value }), `${submission.value.title} is in the catalogue.`)
}

const EMPTY = {
  libraryNumber: '', title: '', alternateTitles: '', subtitle: '', composer: '', arranger: '', arrangerRole: 'arranger', publisher: '', edition: '',
  year: '', genre: '', tags: '', grade: '', gradeSource: '', duration: '', instrumentation: '', ensemble: 'concert band', physicalSize: '',
  shelfLocation: '', ownership: 'owned', lender: '', rentalDueOn: '', partsStatus: 'unknown', missingParts: '', notes: '',
}

export default function NewPiece({ loaderData, actionData }: Route.ComponentProps) {
  const lastResult = (actionData as { result?: SubmissionResult<string[]> } | undefined)?.result
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={href('/library')}>Catalogue</BackLink>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Add a piece</h1>
      <p className="text-stone-700">Only the title is needed now; the rest can wait. Add its parts on the next page, or upload them.</p>
      <PieceForm lastResult={lastResult} stored={{ ...EMPTY, libraryNumber: loaderData.libraryNumber }} names={loaderData.names} submitLabel="Add the piece" cancelTo={href('/library')} />
    </div>
  )
}
