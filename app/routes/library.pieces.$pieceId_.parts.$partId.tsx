import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { z } from 'zod'
import { BackLink } from '#app/components/back-link.tsx'
import { FormAlert } from '#app/components/forms.tsx'
import { auditContextOf, requireAnyPermission, requirePermission } from '#app/modules/identity/auth.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { libraryReach } from '#app/modules/library/access.server.ts'
import {
  currentPartFile,
  deletePartFile,
  getVisiblePart,
  listPartFiles,
  makeVersionCurrent,
  type PartFile,
  restorePartFile,
} from '#app/modules/library/part-files.server.ts'
import { TRASH_DAYS } from '#app/modules/library/part-files.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.pieces.$pieceId_.parts.$partId'

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.part.label} · ${loaderData.part.piece.title}` : 'Part' },
]

const FileActionSchema = z.object({
  intent: z.enum(['make-current', 'delete', 'restore'], { error: 'Choose what to do with the file' }),
  fileId: z.uuid({ error: 'Choose a file' }),
})

/** The part, or 404 — also for a musician who may not see it, so nobody learns what exists. */
async function loadPart(args: Route.LoaderArgs | Route.ActionArgs) {
  const user = requireAnyPermission(args, ['music.view.all', 'music.view.assigned'])
  const runtime = args.context.get(runtimeContext)
  const reach = libraryReach(user)
  const { timeZone } = await bandProfile(runtime)
  const part = reach && (await getVisiblePart(runtime.db, reach, timeZone, args.params))
  if (!part) throw data({ reason: 'not-found' }, { status: 404 })
  return { user, runtime, part, timeZone }
}

export async function loader(args: Route.LoaderArgs) {
  const { user, runtime, part, timeZone } = await loadPart(args)
  const librarian = can(user.grants, 'music.view.all')
  const files = librarian ? await listPartFiles(runtime.db, part.id) : { current: await currentPartFile(runtime.db, part.id), older: [], deleted: [] }
  const confirmDelete = new URL(args.request.url).searchParams.get('delete')
  return {
    part,
    files,
    librarian,
    timeZone,
    may: { edit: can(user.grants, 'music.edit'), delete: can(user.grants, 'music.delete'), upload: can(user.grants, 'music.upload') },
    confirming: librarian ? ([files.current, ...files.older].find((file) => file?.id === confirmDelete) ?? null) : null,
  }
}

export async function action(args: Route.ActionArgs) {
  const { part, runtime } = await loadPart(args)
  const submission = parseWithZod(await args.request.formData(), { schema: FileActionSchema })
  if (submission.status !== 'success') return data({ result: submission.reply(), message: 'That did not work: choose a file and what to do with it.' }, { status: 400 })
  const { intent, fileId } = submission.value
  const user = requirePermission(args, intent === 'delete' ? 'music.delete' : 'music.edit')
  const change = { partId: part.id, fileId }
  const audit = auditContextOf(args, user)
  const here = href('/library/pieces/:pieceId/parts/:partId', { pieceId: part.piece.id, partId: part.id })
  if (intent === 'make-current') {
    const outcome = await makeVersionCurrent(runtime.db, change, audit)
    if (!outcome.ok) return data({ result: submission.reply(), message: outcome.message }, { status: 400 })
    return redirectWithToast(runtime, here, `Version ${outcome.version} is the current file again.`)
  }
  if (intent === 'delete') {
    const outcome = await deletePartFile(runtime.db, change, audit)
    if (!outcome.ok) return data({ result: submission.reply(), message: outcome.message }, { status: 400 })
    const promoted = outcome.promoted ? ` Version ${outcome.promoted} is now the current file.` : ''
    return redirectWithToast(runtime, here, `Version ${outcome.version} moved to the trash.${promoted}`)
  }
  const outcome = await restorePartFile(runtime.db, change, audit)
  if (!outcome.ok) return data({ result: submission.reply(), message: outcome.message }, { status: 400 })
  return redirectWithToast(runtime, here, `Version ${outcome.version} restored${outcome.current ? ' as the current file' : ' as an older version'}.`)
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} KB`
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`
}

const smallButton = 'min-h-11 rounded border border-stone-300 bg-white px-3 py-2 text-sm font-semibold text-brand-800 hover:bg-stone-50'
const dangerLink = 'inline-flex min-h-11 items-center text-sm font-semibold text-red-800 underline'

function FileAction({ file, intent, children }: { file: PartFile; intent: 'make-current' | 'restore' | 'delete'; children: string }) {
  return (
    <Form method="post" className="inline">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="fileId" value={file.id} />
      <button type="submit" className={intent === 'delete' ? 'min-h-11 rounded bg-red-800 px-4 py-2 font-semibold text-white hover:bg-red-900' : smallButton}>
        {children}
      </button>
    </Form>
  )
}

function FileFacts({ file, timeZone }: { file: PartFile; timeZone: string }) {
  return (
    <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
      <dt className="font-medium text-stone-600">File</dt>
      <dd className="break-all">{file.originalName}</dd>
      <dt className="font-medium text-stone-600">Version</dt>
      <dd>{file.version}</dd>
      <dt className="font-medium text-stone-600">Pages</dt>
      <dd>{file.pageCount}</dd>
      <dt className="font-medium text-stone-600">Size</dt>
      <dd>{formatBytes(file.sizeBytes)}</dd>
      <dt className="font-medium text-stone-600">SHA-256</dt>
      <dd>
        <code title={file.sha256}>{file.sha256.slice(0, 12)}…</code>
      </dd>
      <dt className="font-medium text-stone-600">Uploaded</dt>
      <dd>
        {formatTimestamp(new Date(file.uploadedAt), timeZone)} by {file.uploadedBy ?? 'the demo seed or a removed account'}
      </dd>
    </dl>
  )
}

export default function PartPage({ loaderData, actionData }: Route.ComponentProps) {
  const { part, files, librarian, may, confirming, timeZone } = loaderData
  const here = href('/library/pieces/:pieceId/parts/:partId', { pieceId: part.piece.id, partId: part.id })
  const pieceUrl = href('/library/pieces/:pieceId', { pieceId: part.piece.id })
  return (
    <div className="space-y-8">
      <BackLink to={pieceUrl}>{part.piece.title}</BackLink>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">{part.label}</h1>
        <p className="text-stone-700">
          Part of <Link to={pieceUrl} className="font-medium text-brand-800 underline">{part.piece.title}</Link>
          {part.piece.libraryNumber ? ` (${part.piece.libraryNumber})` : ''} · {part.instrument}
          {part.chairs.length ? ` · ${part.chairs.length > 1 ? 'chairs' : 'chair'} ${part.chairs.join(' & ')}` : ''}
        </p>
        {may.edit ? (
          <p className="text-sm">
            <Link to={href('/library/pieces/:pieceId/parts', { pieceId: part.piece.id })} className="text-brand-800 underline">Rename or renumber the parts</Link>
          </p>
        ) : null}
      </header>

      {actionData?.message ? <FormAlert>{actionData.message}</FormAlert> : null}

      {confirming && may.delete ? (
        <section aria-labelledby="confirm-heading" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-4">
          <h2 id="confirm-heading" className="text-lg font-semibold text-red-900">Delete version {confirming.version}?</h2>
          <p className="text-red-900">
            “{confirming.originalName}” goes to the trash, where it can be restored for {TRASH_DAYS} days.
            {!confirming.supersededAt && files.older.length ? ` Version ${files.older[0]?.version} becomes the current file.` : ''}
          </p>
          <div className="flex flex-wrap items-center gap-3">
            <FileAction file={confirming} intent="delete">Move to the trash</FileAction>
            <Link to={here} className="inline-flex min-h-11 items-center font-medium text-brand-800 underline">Keep it</Link>
          </div>
        </section>
      ) : null}

      <section aria-labelledby="current-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-4">
        <div className="flex flex-wrap items-center justify-between gap-3">
          <h2 id="current-heading" className="text-xl font-semibold">Current file</h2>
          {may.upload ? (
            <Link to={`${href('/library/upload')}?${new URLSearchParams({ piece: part.piece.id })}`} className={smallButton + ' inline-flex items-center'}>
              Upload a new version
            </Link>
          ) : null}
        </div>
        {files.current ? (
          <>
            {librarian ? <FileFacts timeZone={timeZone} file={files.current} /> : (
              <p>{files.current.pageCount} {files.current.pageCount === 1 ? 'page' : 'pages'} · version {files.current.version}</p>
            )}
            {librarian && may.delete ? (
              <Link to={`${here}?delete=${files.current.id}`} className={dangerLink}>Delete this file…</Link>
            ) : null}
          </>
        ) : (
          <p className="text-stone-700">This part has no file yet.</p>
        )}
      </section>

      {librarian ? (
        <>
          <section aria-labelledby="older-heading" className="space-y-3">
            <h2 id="older-heading" className="text-xl font-semibold">Older versions</h2>
            {files.older.length === 0 ? (
              <p className="rounded-lg border border-dashed border-stone-300 bg-white p-4 text-stone-700">
                No older versions. When a new file is uploaded for this part, the current one is kept here.
              </p>
            ) : (
              <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
                {files.older.map((file) => (
                  <li key={file.id} className="space-y-2 p-4">
                    <FileFacts timeZone={timeZone} file={file} />
                    <div className="flex flex-wrap items-center gap-3">
                      {may.edit ? <FileAction file={file} intent="make-current">Make current</FileAction> : null}
                      {may.delete ? <Link to={`${here}?delete=${file.id}`} className={dangerLink}>Delete…</Link> : null}
                    </div>
                  </li>
                ))}
              </ul>
            )}
          </section>

          <section aria-labelledby="deleted-heading" className="space-y-3">
            <h2 id="deleted-heading" className="text-xl font-semibold">Deleted files</h2>
            <p className="text-sm text-stone-700">
              Kept for {TRASH_DAYS} days. A restored file becomes the current file if the part has none, otherwise an older version.
            </p>
            {files.deleted.length === 0 ? (
              <p className="rounded-lg border border-dashed border-stone-300 bg-white p-4 text-stone-700">Nothing deleted in the last {TRASH_DAYS} days.</p>
            ) : (
              <ul className="divide-y divide-stone-200 overflow-hidden rounded-lg border border-stone-200 bg-white">
                {files.deleted.map((file) => (
                  <li key={file.id} className="space-y-2 p-4">
                    <FileFacts timeZone={timeZone} file={file} />
                    <p className="text-sm text-stone-700">Deleted {file.deletedAt ? formatTimestamp(new Date(file.deletedAt), timeZone) : ''}</p>
                    {may.edit ? <FileAction file={file} intent="restore">Restore</FileAction> : null}
                  </li>
                ))}
              </ul>
            )}
          </section>
        </>
      ) : null}
    </div>
  )
}
