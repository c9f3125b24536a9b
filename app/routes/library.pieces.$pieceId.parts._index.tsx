import { type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { ErrorList, FormAlert } from '#app/components/forms.tsx'
import { primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { addPart, deletePart, listInstrumentChoices, listPieceParts, restorePart, updatePart } from '#app/modules/library/parts.server.ts'
import { PartSchema } from '#app/modules/library/piece-schema.ts'
import { getPiece } from '#app/modules/library/pieces.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.pieces.$pieceId.parts._index'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `Parts of ${loaderData.piece.title} · Music library` : 'Parts' }]

const NO_PIECE = 'There is no such piece. It may have been deleted.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const band = await bandProfile(runtime)
  const piece = await getPiece(runtime.db, args.params.pieceId, { kind: 'all' }, band.timeZone)
  if (!piece) notFound(NO_PIECE)
  const [parts, instruments] = await Promise.all([listPieceParts(runtime.db, piece.id, { kind: 'all' }), listInstrumentChoices(runtime.db)])
  return { piece: { id: piece.id, title: piece.title }, parts, instruments }
}

type Answer = { partId: string | null; result: SubmissionResult<string[]> }

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const partId = typeof formData.get('partId') === 'string' ? String(formData.get('partId')) : null
  const submission = parseWithZod(formData, { schema: PartSchema })
  if (submission.status !== 'success') return data<Answer>({ partId, result: submission.reply() }, { status: 400 })
  const audit = auditContextOf(args, user)
  const { pieceId } = args.params
  const change = submission.value
  const outcome =
    change.intent === 'add'
      ? await addPart(runtime.db, pieceId, change, audit)
      : change.intent === 'edit'
        ? await updatePart(runtime.db, pieceId, change.partId, { ...change, intent: 'add' }, audit)
        : change.intent === 'delete'
          ? await deletePart(runtime.db, pieceId, change.partId, audit)
          : await restorePart(runtime.db, pieceId, change.partId, audit)
  if (!outcome.ok) {
    if (outcome.field === 'piece') notFound(NO_PIECE)
    return data<Answer>({ partId, result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  }
  if (change.intent === 'restore') return redirectWithToast(runtime, href('/library/pieces/:pieceId', { pieceId }), `${outcome.value} is back.`)
  const done = { add: 'added', edit: 'saved', delete: 'deleted. Restore it from the piece page’s Deleted parts' }[change.intent]
  const label = change.intent === 'delete' ? outcome.value : change.label
  return redirectWithToast(runtime, href('/library/pieces/:pieceId/parts', { pieceId }), `${label} is ${done}.`)
}

type Choice = { id: string; name: string }
const control = 'block w-full rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700 min-h-11'

/**
 * Instrument, label, chairs and place of one part: two columns on a phone, one row on a laptop.
 * Hints sit under the controls, so the controls of a row line up; `hints` shows them (the add form).
 */
function PartFields({ prefix, instruments, errors, values, hints }: { prefix: string; instruments: Choice[]; errors: Record<string, string[] | null | undefined>; values: { instrumentId: string; chairs: string; label: string; sortOrder: string }; hints: boolean }) {
  const field = (name: 'instrumentId' | 'chairs' | 'label' | 'sortOrder', label: string, input: React.ReactNode, hint?: string) => (
    <div className={`space-y-1 ${name === 'instrumentId' || name === 'label' ? 'col-span-2 lg:col-span-1' : ''}`}>
      <label htmlFor={`${prefix}-${name}`} className="block text-sm font-medium">{label}</label>
      {input}
      {hint && hints ? <p id={`${prefix}-${name}-hint`} className="text-xs text-stone-700">{hint}</p> : null}
      <ErrorList id={`${prefix}-${name}-error`} errors={errors[name]} />
    </div>
  )
  const aria = (name: string, hint = false) => ({
    'aria-invalid': errors[name]?.length ? true : undefined,
    'aria-describedby': [hint && hints ? `${prefix}-${name}-hint` : '', errors[name]?.length ? `${prefix}-${name}-error` : ''].filter(Boolean).join(' ') || undefined,
  })
  return (
    <div className="grid grid-cols-2 gap-3 lg:grid-cols-[2fr_2fr_1fr_1fr]">
      {field('instrumentId', 'Instrument', (
        <select id={`${prefix}-instrumentId`} name="instrumentId" defaultValue={values.instrumentId} className={control} {...aria('instrumentId')}>
          <option value="">Choose…</option>
          {instruments.map((instrument) => <option key={instrument.id} value={instrument.id}>{instrument.name}</option>)}
        </select>
      ))}
      {field('label', 'Label', <input id={`${prefix}-label`} name="label" defaultValue={values.label} required className={control} autoComplete="off" {...aria('label', true)} />, 'As on the part: Clarinet in B♭ 2')}
      {field('chairs', 'Chairs', <input id={`${prefix}-chairs`} name="chairs" defaultValue={values.chairs} className={control} autoComplete="off" {...aria('chairs', true)} />, '1, or 1 & 3')}
      {field('sortOrder', 'Place', <input id={`${prefix}-sortOrder`} name="sortOrder" defaultValue={values.sortOrder} inputMode="numeric" className={control} {...aria('sortOrder', true)} />, 'Order in the list; lower first')}
    </div>
  )
}

export default function PieceParts({ loaderData, actionData }: Route.ComponentProps) {
  const { piece, parts, instruments } = loaderData
  const answer = actionData as Answer | undefined
  const errorsFor = (partId: string | null) => (answer && answer.partId === partId ? (answer.result.error ?? {}) : {})
  const sent = (partId: string | null) => {
    const value = answer && answer.partId === partId ? (answer.result.initialValue ?? {}) : null
    return value ? (name: string) => (typeof value[name] === 'string' ? (value[name] as string) : '') : null
  }
  const addSent = sent(null)
  return (
    <div className="space-y-8">
      <p>
        <BackLink to={href('/library/pieces/:pieceId', { pieceId: piece.id })}>{piece.title}</BackLink>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Parts of {piece.title}</h1>
        <p className="text-stone-700">
          Add, rename, renumber or delete the parts. Their files are uploaded separately:{' '}
          <Link to={`${href('/library/upload')}?${new URLSearchParams({ piece: piece.id })}`} className="text-brand-800 underline">upload parts for this piece</Link>.
        </p>
      </header>
      {answer?.result.error?.partId?.length ? <FormAlert>{answer.result.error.partId.join(' ')}</FormAlert> : null}

      <section aria-labelledby="add-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-4 sm:p-5">
        <h2 id="add-heading" className="text-xl font-semibold">Add a part</h2>
        <Form method="post" className="space-y-3">
          <input type="hidden" name="intent" value="add" />
          <PartFields prefix="new" hints instruments={instruments} errors={errorsFor(null)} values={{ instrumentId: addSent?.('instrumentId') ?? '', chairs: addSent?.('chairs') ?? '', label: addSent?.('label') ?? '', sortOrder: addSent?.('sortOrder') ?? '' }} />
          <button type="submit" className={primaryButton}>Add the part</button>
        </Form>
      </section>

      <section aria-labelledby="list-heading" className="space-y-3">
        <h2 id="list-heading" className="text-xl font-semibold">{parts.length} part{parts.length === 1 ? '' : 's'}</h2>
        {parts.length === 0 ? <p className="text-stone-700">No parts yet.</p> : null}
        <ul className="space-y-3">
          {parts.map((part) => {
            const again = sent(part.id)
            return (
              <li key={part.id} className="rounded-lg border border-stone-200 bg-white p-4">
                <h3 className="mb-2 flex flex-wrap items-baseline gap-x-3 font-semibold">
                  <Link to={href('/library/pieces/:pieceId/parts/:partId', { pieceId: piece.id, partId: part.id })} className="text-brand-800 underline">{part.label}</Link>
                  <span className="text-sm font-normal text-stone-700">{part.pages ? `${part.pages} page${part.pages === 1 ? '' : 's'}` : 'No file yet'}</span>
                </h3>
                <Form method="post" className="space-y-3">
                  <input type="hidden" name="partId" value={part.id} />
                  <PartFields
                    prefix={`part-${part.id}`}
                    hints={false}
                    instruments={instruments}
                    errors={errorsFor(part.id)}
                    values={again ? { instrumentId: again('instrumentId'), chairs: again('chairs'), label: again('label'), sortOrder: again('sortOrder') } : { instrumentId: part.instrumentId, chairs: part.chairs.join(' & '), label: part.label, sortOrder: String(part.sortOrder) }}
                  />
                  <div className="flex flex-wrap gap-3">
                    <button type="submit" name="intent" value="edit" className={secondaryButton}>Save {part.label}</button>
                    <button type="submit" name="intent" value="delete" formNoValidate className="inline-flex min-h-11 items-center rounded border border-red-700 bg-white px-4 py-2 font-semibold text-red-800 hover:bg-red-50">Delete {part.label}</button>
                  </div>
                </Form>
              </li>
            )
          })}
        </ul>
      </section>
    </div>
  )
}
