import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { z } from 'zod'
import { BackLink } from '#app/components/back-link.tsx'
import { CheckboxField, ErrorList, FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { dangerButton, primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission, requireUser } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { cancelUpload } from '#app/modules/library/upload-cleanup.server.ts'
import { confirmUpload, listStoredParts } from '#app/modules/library/upload-confirm.server.ts'
import { type Change, getReviewBatch, type ReviewRow, type RowErrors, saveCorrections, summarise } from '#app/modules/library/upload-review.server.ts'
import { listInstruments } from '#app/modules/members/member-record.server.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.upload_.$batchId'

export const meta: Route.MetaFunction = () => [{ title: 'Review upload' }]

const uploadPage = href('/library/upload')
const piecePage = (pieceId: string) => href('/library/pieces/:pieceId', { pieceId })
const partPage = (pieceId: string, partId: string) => href('/library/pieces/:pieceId/parts/:partId', { pieceId, partId })

/** "1", "1 & 3", "1, 3", "1-3" → [1, 3] / [1, 2, 3]; "" → []. */
const Chairs = z
  .string()
  .trim()
  .max(40)
  .optional()
  .transform((text, ctx) => {
    if (!text) return []
    const range = /^(\d{1,2})\s*[-–]\s*(\d{1,2})$/.exec(text)
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])]
      if (from >= 1 && to >= from && to <= 20) return Array.from({ length: to - from + 1 }, (_, i) => from + i)
    } else if (/^\d{1,2}(\s*(&|,|\/|and)\s*\d{1,2})*$/.test(text)) {
      const chairs = [...new Set(text.split(/\s*(?:&|,|\/|and)\s*/).map(Number))].sort((a, b) => a - b)
      if (chairs.every((chair) => chair >= 1 && chair <= 20)) return chairs
    }
    ctx.addIssue({ code: 'custom', message: 'Write chairs as numbers from 1 to 20, e.g. “1” or “1 & 3”.' })
    return z.NEVER
  })

const RowSchema = z.object({
  // "Choose…" sends an empty value: no instrument. The service checks an id names one of the band's.
  instrumentId: z.preprocess((value) => (value === '' ? undefined : value), z.string().regex(/^[0-9a-f-]{36}$/i, 'Choose one of the band’s instruments.').optional()),
  chairs: Chairs,
  label: z.string({ error: 'Give the part a label.' }).trim().max(200, 'At most 200 characters.').optional(),
  include: z.literal('on').optional(),
})

const ReviewSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.enum(['save', 'confirm']), files: z.record(z.guid(), RowSchema).optional() }),
  z.object({ intent: z.literal('cancel'), sure: z.literal('on', { error: 'Tick the box to discard these files.' }) }),
])

async function authorise(args: Route.LoaderArgs | Route.ActionArgs) {
  const user = requireUser(args)
  const runtime = args.context.get(runtimeContext)
  const batch = await getReviewBatch(runtime.db, args.params.batchId)
  // The batch's creator, or anyone who may upload (librarians share batches); others are refused and logged.
  if (!can(user.grants, 'music.upload') && (!batch || batch.createdBy !== user.id)) requirePermission(args, 'music.upload')
  if (!batch) notFound('There is no such upload. It may have been cancelled and cleared away.')
  const { timeZone } = await bandProfile(runtime)
  return { user, runtime, batch, timeZone }
}

export async function loader(args: Route.LoaderArgs) {
  const { runtime, batch, timeZone } = await authorise(args)
  const [instruments, stored] = await Promise.all([
    listInstruments(runtime.db),
    batch.status === 'confirmed' ? listStoredParts(runtime.db, batch.id) : Promise.resolve([]),
  ])
  return {
    batch,
    counts: summarise(batch.rows),
    instruments,
    stored,
    confirmedAt: batch.confirmedAt ? formatTimestamp(batch.confirmedAt, timeZone) : null,
    askCancel: new URL(args.request.url).searchParams.has('cancel'),
  }
}

type ActionResult = { message: string; rowErrors?: RowErrors; changes?: Change[]; askCancel?: boolean }

export async function action(args: Route.ActionArgs) {
  const { user, runtime, batch, timeZone } = await authorise(args)
  const submission = parseWithZod(await args.request.formData(), { schema: ReviewSchema })
  if (submission.status !== 'success') {
    const rowErrors = (submission.error ?? {}) as RowErrors
    const cancelling = 'sure' in rowErrors
    return data<ActionResult>({ message: cancelling ? 'Tick the box to discard these files.' : 'Some rows were not understood; nothing was saved.', rowErrors, askCancel: cancelling }, { status: 400 })
  }
  const audit = auditContextOf(args, user)
  const services = { db: runtime.db, storage: runtime.storage, logger: runtime.logger }
  const value = submission.value
  if (value.intent === 'cancel') {
    const outcome = await cancelUpload(services, { batchId: batch.id, timeZone }, audit)
    if (!outcome.ok) return data<ActionResult>({ message: outcome.message }, { status: 400 })
    return redirectWithToast(runtime, uploadPage, `Upload cancelled: ${outcome.files} file${outcome.files === 1 ? '' : 's'} discarded.`)
  }
  const rows = Object.fromEntries(
    Object.entries(value.files ?? {}).map(([id, row]) => [id, { instrumentId: row.instrumentId ?? null, chairs: row.chairs, label: row.label ?? '', include: row.include === 'on' }]),
  )
  if (value.intent === 'save') {
    const outcome = await saveCorrections(runtime.db, { batchId: batch.id, rows, timeZone }, audit)
    if (!outcome.ok) return data<ActionResult>({ message: outcome.message, rowErrors: outcome.rowErrors }, { status: 400 })
    const saved = outcome.changes.length
    return data<ActionResult>({ message: saved ? `Saved ${saved} correction${saved === 1 ? '' : 's'}. Confirm when every row is right.` : 'Nothing had changed.', changes: outcome.changes })
  }
  const outcome = await confirmUpload(services, { batchId: batch.id, rows, userId: user.id, timeZone }, audit)
  if (!outcome.ok) return data<ActionResult>({ message: outcome.message, rowErrors: outcome.rowErrors }, { status: 400 })
  const stored = outcome.stored.length
  return redirectWithToast(runtime, href('/library/upload/:batchId', { batchId: batch.id }), `Stored ${stored} file${stored === 1 ? '' : 's'}.`)
}

const STATUS_TEXT = { ready: 'Ready', check: 'Check', duplicate: 'Duplicate', refused: 'Refused' } as const

export default function ReviewUpload({ loaderData, actionData }: Route.ComponentProps) {
  const { batch, counts, instruments, stored, confirmedAt } = loaderData
  const result = actionData as ActionResult | undefined
  const busy = useNavigation().state === 'submitting'
  const pieceTitle = batch.piece?.title ?? batch.newPiece?.title ?? 'the piece'
  const askCancel = loaderData.askCancel || result?.askCancel
  const kept = batch.rows.filter((row) => row.stagingKey).length

  if (batch.status === 'confirmed') {
    const pieceId = stored[0]?.pieceId ?? batch.piece?.id ?? null
    const notStored = batch.rows.filter((row) => row.problem || !row.included)
    return (
      <article className="max-w-4xl space-y-6">
        <BackLink to={uploadPage}>Upload parts</BackLink>
        <h1 className="text-3xl font-bold tracking-tight">
          {`Stored ${stored.length} file${stored.length === 1 ? '' : 's'} for `}{pieceId ? <Link to={piecePage(pieceId)} className="text-brand-800 underline">{pieceTitle}</Link> : pieceTitle}
        </h1>
        {result ? <FormAlert>{result.message}</FormAlert> : null}
        <p className="text-stone-700">Confirmed by {batch.confirmedByName ?? 'someone'}{confirmedAt ? ` on ${confirmedAt}` : ''}.</p>
        <ul className="divide-y divide-stone-200 rounded-lg border border-stone-200 bg-white">
          {stored.map((part) => (
            <li key={`${part.partId}-${part.version}`} className="flex flex-wrap items-baseline justify-between gap-2 px-4 py-3">
              <Link to={partPage(part.pieceId, part.partId)} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline">{part.label}</Link>
              <span className="text-sm text-stone-700">
                {part.pageCount} page{part.pageCount === 1 ? '' : 's'} · {part.version === 1 ? 'new part' : `new version ${part.version} of ${part.label}`} · from {part.originalName}
              </span>
            </li>
          ))}
        </ul>
        {notStored.length ? (
          <section aria-labelledby="not-stored-heading" className="space-y-2">
            <h2 id="not-stored-heading" className="text-lg font-semibold">{`Not stored (${notStored.length})`}</h2>
            <ul className="list-disc space-y-1 pl-5 text-stone-800">
              {notStored.map((row) => (
                <li key={row.id}>
                  <span className="[overflow-wrap:anywhere]">{row.originalName}</span>
                  <span className="text-stone-700">{row.problem ? ` — refused: ${row.problem}` : row.duplicateOf ? ` — a duplicate of ${row.duplicateOf}, left out` : ' — left out'}</span>
                </li>
              ))}
            </ul>
          </section>
        ) : null}
        <p className="flex flex-wrap gap-3">
          {pieceId ? <Link to={piecePage(pieceId)} className={primaryButton}>Open the piece</Link> : null}
          <Link to={uploadPage} className={pieceId ? secondaryButton : primaryButton}>Upload more</Link>
        </p>
      </article>
    )
  }

  return (
    <article className="max-w-6xl space-y-6">
      <BackLink to={uploadPage}>Upload parts</BackLink>
      <header className="space-y-2">
        <p className="text-sm font-semibold uppercase tracking-wide text-stone-600">Review upload{batch.createdByName ? ` · by ${batch.createdByName}` : ''}</p>
        <h1 className="text-3xl font-bold tracking-tight">{pieceTitle}</h1>
        <p className="text-stone-700">
          {batch.piece ? (
            <>Adding to <Link to={piecePage(batch.piece.id)} className="text-brand-800 underline">{batch.piece.title}</Link>{batch.piece.composer ? ` (${batch.piece.composer})` : ''}.</>
          ) : (
            <>A new piece: <strong>{batch.newPiece?.title}</strong>{batch.newPiece?.composer ? ` by ${batch.newPiece.composer}` : ''}, created when you confirm.</>
          )}
        </p>
        <p className="font-medium" role="status">
          {`${counts.ready} ready, ${counts.check} to check${counts.duplicate ? `, ${counts.duplicate} duplicate` : ''}, ${counts.refused} refused`}
        </p>
      </header>

      {batch.status !== 'staged' ? (
        <FormAlert tone="info">{batch.status === 'cancelled' ? 'This upload was cancelled: its files are gone.' : 'This upload is being confirmed right now. Reload in a moment.'}</FormAlert>
      ) : null}
      {result ? <FormAlert tone={result.rowErrors || !result.changes ? 'error' : 'success'}>{result.message}</FormAlert> : null}
      {result?.changes?.length ? (
        <ul className="list-disc pl-5 text-sm text-stone-800">{result.changes.map((change) => <li key={change.fileId}>{`${change.name}: ${change.what}`}</li>)}</ul>
      ) : null}

      {askCancel && batch.status === 'staged' ? (
        <Form method="post" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4">
          <h2 className="text-xl font-semibold">Cancel this upload?</h2>
          <input type="hidden" name="intent" value="cancel" />
          <CheckboxField label={`Yes, discard these ${kept} files`} errors={result?.rowErrors?.sure} inputProps={{ id: 'cancel-sure', name: 'sure', required: true }} />
          <div className="flex flex-wrap gap-3">
            <button type="submit" disabled={busy} className={`${dangerButton} disabled:opacity-60`}>Cancel upload</button>
            <Link to={href('/library/upload/:batchId', { batchId: batch.id })} className={secondaryButton}>Keep reviewing</Link>
          </div>
        </Form>
      ) : null}

      {batch.status === 'staged' ? (
        <Form method="post" className="space-y-4">
          <p className="text-sm text-stone-700 md:hidden">The table is wider than the screen: swipe it sideways to see every column.</p>
          <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Files of this upload</caption>
              <thead className="border-b border-stone-200 bg-stone-50">
                <tr>
                  <th scope="col" className="px-3 py-2">File</th>
                  <th scope="col" className="px-3 py-2">Instrument</th>
                  <th scope="col" className="px-3 py-2">Part</th>
                  <th scope="col" className="px-3 py-2">Pages</th>
                  <th scope="col" className="px-3 py-2">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-200">
                {batch.rows.map((row) => (
                  <FileRow key={row.id} row={row} instruments={instruments} errors={result?.rowErrors} />
                ))}
              </tbody>
            </table>
          </div>
          {/* Save comes first: Enter in a field submits with the form's first button, and it must not confirm the batch. */}
          <div className="flex flex-wrap gap-3">
            <button type="submit" name="intent" value="save" disabled={busy} className={`${secondaryButton} disabled:opacity-60`}>
              Save corrections
            </button>
            <SubmitButton name="intent" value="confirm" disabled={busy}>Confirm upload</SubmitButton>
            <Link to={`${href('/library/upload/:batchId', { batchId: batch.id })}?cancel`} className={secondaryButton}>Cancel upload…</Link>
          </div>
        </Form>
      ) : null}
    </article>
  )
}

function FileRow({ row, instruments, errors }: { row: ReviewRow; instruments: { id: string; name: string }[]; errors?: RowErrors }) {
  const name = (field: string) => `files.${row.id}.${field}`
  // Each refusal sits under the control it is about, and the control points at it.
  const problem = (field: 'instrumentId' | 'chairs' | 'label' | 'include') => {
    const messages = errors?.[name(field)] ?? []
    const id = `${row.id}-${field}-error`
    return { messages, id, aria: messages.length ? { 'aria-invalid': true as const, 'aria-describedby': id } : {} }
  }
  const [instrument, chairs, label, include] = [problem('instrumentId'), problem('chairs'), problem('label'), problem('include')]
  const refused = [instrument, chairs, label, include].some((field) => field.messages.length > 0)
  const tint = refused ? 'bg-red-50' : row.status !== 'ready' ? 'bg-amber-50' : undefined
  const control = 'block min-h-11 w-full rounded border border-stone-400 bg-white px-2 py-1 aria-invalid:border-red-700'
  return (
    <tr className={tint}>
      <th scope="row" className={`min-w-40 px-3 py-2 align-top font-medium ${refused ? 'border-l-4 border-l-red-700' : ''}`}>
        <span className="[overflow-wrap:anywhere]">{row.originalName}</span>
        {row.archiveName ? <span className="block text-xs font-normal text-stone-600">from {row.archiveName}</span> : null}
      </th>
      <td className="px-3 py-2 align-top">
        {row.problem ? <span className="text-stone-600">—</span> : (
          <div className="min-w-44 space-y-1">
            <label htmlFor={`${row.id}-instrument`} className="sr-only">Instrument of {row.originalName}</label>
            <select id={`${row.id}-instrument`} name={name('instrumentId')} defaultValue={row.instrumentId ?? ''} className={control} {...instrument.aria}>
              <option value="">Choose…</option>
              {instruments.map((choice) => <option key={choice.id} value={choice.id}>{choice.name}</option>)}
            </select>
            <ErrorList id={instrument.id} errors={instrument.messages} />
          </div>
        )}
      </td>
      <td className="px-3 py-2 align-top">
        {row.problem ? <span className="text-stone-600">—</span> : (
          <div className="space-y-1">
            <div className="flex gap-2">
              <div className="w-16 shrink-0">
                <label htmlFor={`${row.id}-chairs`} className="block text-xs text-stone-700">Chairs</label>
                <input id={`${row.id}-chairs`} name={name('chairs')} defaultValue={row.chairs.join(' & ')} inputMode="text" autoComplete="off" className={control} {...chairs.aria} />
              </div>
              <div className="min-w-52 flex-1">
                <label htmlFor={`${row.id}-label`} className="block text-xs text-stone-700">Label</label>
                <input id={`${row.id}-label`} name={name('label')} defaultValue={row.label ?? ''} autoComplete="off" className={control} {...label.aria} />
              </div>
            </div>
            <ErrorList id={chairs.id} errors={chairs.messages} />
            <ErrorList id={label.id} errors={label.messages} />
            {row.alsoFor.length ? <p className="text-xs text-stone-700">Also for {row.alsoFor.map((shared) => shared.label).join(', ')}</p> : null}
          </div>
        )}
      </td>
      <td className="px-3 py-2 align-top tabular-nums">{row.pageCount ?? '—'}</td>
      <td className="min-w-44 px-3 py-2 align-top">
        <p className={row.status === 'ready' ? 'text-green-900' : row.status === 'refused' ? 'font-medium text-red-800' : 'font-medium text-amber-900'}>
          {`${STATUS_TEXT[row.status]}${row.status === 'check' && row.mappingNote ? `: ${row.mappingNote}` : ''}${row.status === 'duplicate' ? ` of ${row.duplicateOf}` : ''}${row.status === 'refused' ? `: ${row.problem}` : ''}`}
        </p>
        {row.problem ? null : (
          <div className="flex min-h-11 items-center gap-2">
            <input type="checkbox" id={`${row.id}-include`} name={name('include')} defaultChecked={row.included} className="size-6 accent-brand-800" {...include.aria} />
            <label htmlFor={`${row.id}-include`}>Include</label>
          </div>
        )}
        <ErrorList id={include.id} errors={include.messages} />
      </td>
    </tr>
  )
}
