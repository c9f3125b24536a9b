import { randomUUID } from 'node:crypto'
import { Readable } from 'node:stream'
import type { ReadableStream as NodeReadableStream } from 'node:stream/web'
import { data, Form, href, Link, useNavigation } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { Field, FormAlert } from '#app/components/forms.tsx'
import { FieldGroup, primaryButton } from '#app/components/schedule-fields.tsx'
import { requirePermission, auditContextOf } from '#app/modules/identity/auth.server.ts'
import { listPersonNames } from '#app/modules/library/pieces.server.ts'
import { checkUploadTarget, discardReceived, type FieldErrors, stageUpload, uploadPieceSummary } from '#app/modules/library/upload-intake.server.ts'
import { readUploadLimits } from '#app/modules/library/upload-limits.server.ts'
import { formatBytes, UPLOAD_BODY_LIMIT } from '#app/modules/library/upload-size.ts'
import { listStagedBatches } from '#app/modules/library/upload-review.server.ts'
import { receiveUpload, UploadInterruptedError } from '#app/modules/library/upload-stream.server.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { nodeBodyContext, runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.upload'

/** The largest batch the settings may allow; the action counts the real limits as the bytes arrive. */
export const handle = { maxBodyBytes: UPLOAD_BODY_LIMIT }

export const meta: Route.MetaFunction = () => [{ title: 'Upload parts' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'music.upload')
  const runtime = args.context.get(runtimeContext)
  const pieceId = new URL(args.request.url).searchParams.get('piece')
  const [piece, waiting, limits, names, { timeZone }] = await Promise.all([
    pieceId ? uploadPieceSummary(runtime.db, pieceId) : null,
    listStagedBatches(runtime.db, user.id),
    readUploadLimits(runtime.db),
    listPersonNames(runtime.db),
    bandProfile(runtime),
  ])
  return {
    piece,
    unknownPiece: Boolean(pieceId && !piece),
    waiting: waiting.map((batch) => ({ id: batch.id, title: batch.title, files: Number(batch.files), createdAt: formatTimestamp(batch.createdAt, timeZone) })),
    limits: { file: formatBytes(limits.maxFileBytes), batch: formatBytes(limits.maxBatchBytes), files: limits.maxFiles },
    names,
  }
}

type ActionResult = { message: string; fieldErrors?: FieldErrors; fields?: Record<string, string> }

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.upload')
  const runtime = args.context.get(runtimeContext)
  const { request } = args
  const contentType = request.headers.get('content-type') ?? ''
  if (!/^multipart\/form-data/i.test(contentType) || !request.body) {
    return data<ActionResult>({ message: 'The files must be sent with the upload form.' }, { status: 415 })
  }
  const limits = await readUploadLimits(runtime.db)
  const batchId = randomUUID()
  let received
  try {
    // The Node stream the body arrives on when the HTTP edge offers it: no web stream in between (ADR 014).
    const body = args.context.get(nodeBodyContext)() ?? Readable.fromWeb(request.body as NodeReadableStream<Uint8Array>)
    received = await receiveUpload({ storage: runtime.storage }, { body, contentType, batchId, limits, signal: request.signal })
  } catch (error) {
    if (!(error instanceof UploadInterruptedError)) throw error
    runtime.logger.warn({ err: error, batchId, reason: error.reason }, 'an upload was not kept')
    return data<ActionResult>({ message: error.message }, { status: error.reason === 'storage' ? 503 : 400 })
  }
  const fields = received.fields
  const checked = await checkUploadTarget(runtime.db, fields)
  const fieldErrors: FieldErrors = checked.ok ? {} : checked.fieldErrors
  if (received.files.length === 0) fieldErrors.files = ['Choose the PDF files of the parts, or a ZIP of them.']
  if (!checked.ok || fieldErrors.files) {
    await discardReceived(runtime.storage, received.files)
    const message = received.files.length ? 'Nothing was uploaded: correct the form and choose the files again.' : 'Nothing was uploaded: correct what is marked below.'
    return data<ActionResult>({ message, fieldErrors, fields }, { status: 400 })
  }
  const staged = await stageUpload(
    { db: runtime.db, storage: runtime.storage },
    { batchId, userId: user.id, target: checked.target, piece: checked.piece, files: received.files },
    auditContextOf(args, user),
  )
  const checkNote = staged.toCheck || staged.refused ? ` ${staged.toCheck} to check, ${staged.refused} refused.` : ''
  return redirectWithToast(runtime, href('/library/upload/:batchId', { batchId }), `Received ${staged.files} file${staged.files === 1 ? '' : 's'}.${checkNote} Review them, then confirm.`)
}

export default function UploadParts({ loaderData, actionData }: Route.ComponentProps) {
  const { piece, waiting, limits, names } = loaderData
  const result = actionData as ActionResult | undefined
  const errors = result?.fieldErrors ?? {}
  const fields = result?.fields ?? {}
  const busy = useNavigation().state === 'submitting'
  const target = fields.target ?? 'new'
  return (
    <div className="space-y-6">
      <p>
        <BackLink to={piece ? href('/library/pieces/:pieceId', { pieceId: piece.id }) : href('/library')}>{piece ? piece.title : 'Catalogue'}</BackLink>
      </p>
      <header className="max-w-3xl space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Upload parts</h1>
        <p className="text-stone-700">
          Send all the PDFs of one piece at once, or one ZIP of them, named however the publisher named them. Next you see how each file
          was read — instrument, part, pages — and correct what needs it. Nothing goes into the library until you confirm.
        </p>
      </header>

      {loaderData.unknownPiece ? <FormAlert tone="info">That piece is not in the library (any more). Choose it by its library number below, or start a new one.</FormAlert> : null}
      {result ? (
        <div id="upload-problem">
          <FormAlert>{result.message}</FormAlert>
        </div>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(16rem,1fr)]">
        <Form method="post" encType="multipart/form-data" className="space-y-6" aria-describedby={result ? 'upload-problem' : undefined}>
          <datalist id="person-names">
            {names.map((name) => <option key={name} value={name} />)}
          </datalist>
          {piece ? (
            <FieldGroup legend="The piece">
              <input type="hidden" name="target" value="piece" />
              <input type="hidden" name="pieceId" value={piece.id} />
              <p>
                <strong className="font-semibold">{piece.title}</strong>
                {piece.composer ? ` · ${piece.composer}` : ''}
                {piece.libraryNumber ? ` · No. ${piece.libraryNumber}` : ''}
              </p>
              <p className="text-sm text-stone-700">
                {piece.parts === 0 ? 'No parts yet.' : `${piece.parts} part${piece.parts === 1 ? '' : 's'} already; a file for one of them becomes its new version.`}{' '}
                <Link to={href('/library/upload')} className="text-brand-800 underline">Upload for another piece</Link>
              </p>
              {errors.pieceId ? <FormAlert>{errors.pieceId.join(' ')}</FormAlert> : null}
            </FieldGroup>
          ) : (
            <FieldGroup legend="Which piece?">
              <div className="space-y-4">
                <TargetChoice value="new" checked={target === 'new'} label="A new piece">
                  <div className="grid gap-4 sm:grid-cols-2">
                    <Field label="Title" hint="As printed on the score." errors={errors.title} inputProps={{ id: 'title', name: 'title', defaultValue: fields.title, maxLength: 200, autoComplete: 'off' }} />
                    <Field label="Composer" hint="Optional; choose a name or type a new one." errors={errors.composer} inputProps={{ id: 'composer', name: 'composer', defaultValue: fields.composer, list: 'person-names', maxLength: 200, autoComplete: 'off' }} />
                  </div>
                </TargetChoice>
                <TargetChoice value="number" checked={target === 'number'} label="A piece already in the library">
                  <Field label="Its library number" hint="As on the folder, e.g. 46 or 46.1." errors={errors.libraryNumber} inputProps={{ id: 'libraryNumber', name: 'libraryNumber', defaultValue: fields.libraryNumber, maxLength: 20, inputMode: 'decimal', autoComplete: 'off' }} />
                </TargetChoice>
                {errors.target ? <FormAlert>{errors.target.join(' ')}</FormAlert> : null}
              </div>
            </FieldGroup>
          )}

          <FieldGroup legend="The files">
            <Field
              label="PDF files or a ZIP"
              hint={`Choose them all at once. Up to ${limits.file} per file, ${limits.batch} and ${limits.files} files in all.`}
              errors={errors.files}
              inputProps={{ id: 'files', name: 'files', type: 'file', multiple: true, accept: '.pdf,.zip,application/pdf,application/zip' }}
            />
          </FieldGroup>

          <div className="flex flex-wrap items-center gap-3">
            <button type="submit" className={primaryButton} disabled={busy}>{busy ? 'Uploading…' : 'Upload and review'}</button>
            <span className="text-sm text-stone-700" role="status">{busy ? 'Large uploads take a while; keep this page open.' : ''}</span>
          </div>
        </Form>

        <aside aria-labelledby="waiting-heading" className="space-y-3 self-start rounded-lg border border-stone-200 bg-white p-4 sm:p-5 lg:mt-3">
          <h2 id="waiting-heading" className="text-lg font-semibold">Your uploads waiting for review</h2>
          {waiting.length === 0 ? (
            <p className="text-sm text-stone-700">None. An upload you start waits here until you confirm or cancel it; after a day it is cleared away.</p>
          ) : (
            <ul className="divide-y divide-stone-200">
              {waiting.map((batch) => (
                <li key={batch.id} className="py-2">
                  <Link to={href('/library/upload/:batchId', { batchId: batch.id })} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline">
                    {batch.title ?? 'Untitled piece'}
                  </Link>
                  <p className="text-sm text-stone-700">{`${batch.files} file${batch.files === 1 ? '' : 's'} · ${batch.createdAt}`}</p>
                </li>
              ))}
            </ul>
          )}
        </aside>
      </div>
    </div>
  )
}

/** One way to say which piece: a radio and, beneath it, the fields it needs (all visible without JavaScript). */
function TargetChoice({ value, checked, label, children }: { value: string; checked: boolean; label: string; children: React.ReactNode }) {
  const id = `target-${value}`
  return (
    <div className="space-y-3 rounded border border-stone-200 p-3 has-[:checked]:border-brand-700 has-[:checked]:bg-brand-50">
      <p className="flex items-center gap-2">
        <input type="radio" id={id} name="target" value={value} defaultChecked={checked} className="size-5" />
        <label htmlFor={id} className="font-medium">{label}</label>
      </p>
      <div className="pl-7">{children}</div>
    </div>
  )
}
