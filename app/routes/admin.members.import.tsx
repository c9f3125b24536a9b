import { data, Form, href, Link, useNavigation } from 'react-router'
import { FormAlert, SubmitButton } from '#app/components/forms.tsx'
import { buttonLink } from '#app/components/member-ui.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { EXPORT_ONLY_COLUMNS, IMPORT_COLUMNS, MAX_IMPORT_ROWS } from '#app/modules/members/csv-columns.ts'
import type { ImportCheck } from '#app/modules/members/csv-import.ts'
import { commitImport, previewImport } from '#app/modules/members/import.server.ts'
import { todayIn } from '#app/modules/members/member-record.server.ts'
import { STATUS_LABELS } from '#app/modules/members/schema.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/admin.members.import'

export const meta: Route.MetaFunction = () => [{ title: 'Import members' }]

// 10,000 rows of a roster are about 1–2 MB; the preview posts the file back once more.
const MAX_FILE_BYTES = 6 * 1024 * 1024
export const handle = { maxBodyBytes: 8 * 1024 * 1024 }

const SHOWN_ROWS = 100
const SHOWN_ERRORS = 200

export function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'member.edit')
  return { maxRows: MAX_IMPORT_ROWS }
}

type Preview = {
  stage: 'preview'
  message?: string
  fileName: string | null
  /**
   * The file itself, posted back by the "Import" button. Kept in the page
   * rather than in the cache: it works without JavaScript and with several app
   * instances and no Redis, nothing is left behind by an abandoned preview, and
   * the commit checks the file again, so an edited copy gains nothing.
   */
  csv: string
  fileErrors: string[]
  rowErrors: ImportCheck['rowErrors']
  errorCount: number
  rows: ImportCheck['rows']
  creates: number
  updates: number
  total: number
}

function previewOf(check: ImportCheck, csv: string, fileName: string | null, message?: string): Preview {
  return {
    stage: 'preview',
    message,
    fileName,
    csv: check.fileErrors.length || check.rowErrors.length ? '' : csv,
    fileErrors: check.fileErrors,
    rowErrors: check.rowErrors.slice(0, SHOWN_ERRORS),
    errorCount: check.rowErrors.length,
    rows: check.rows.slice(0, SHOWN_ROWS),
    creates: check.rows.filter((row) => row.action === 'create').length,
    updates: check.rows.filter((row) => row.action === 'update').length,
    total: check.total,
  }
}

/** The text of the upload (or of the pasted box), or why it cannot be read. */
async function readUpload(formData: FormData): Promise<{ ok: true; text: string; fileName: string | null } | { ok: false; message: string }> {
  const file = formData.get('file')
  const pasted = formData.get('csv')
  let bytes: Uint8Array
  let fileName: string | null
  if (file instanceof File && file.size > 0) {
    if (file.size > MAX_FILE_BYTES) return { ok: false, message: `The file is larger than ${MAX_FILE_BYTES / 1024 / 1024} MB. Split it and import the parts one after the other.` }
    bytes = new Uint8Array(await file.arrayBuffer())
    fileName = file.name.slice(0, 200) || null
  } else if (typeof pasted === 'string' && pasted.trim()) {
    if (pasted.length > MAX_FILE_BYTES) return { ok: false, message: 'That is too much text for one import. Split it.' }
    return { ok: true, text: pasted, fileName: typeof formData.get('fileName') === 'string' ? String(formData.get('fileName')).slice(0, 200) || null : null }
  } else {
    return { ok: false, message: 'Choose a CSV file to upload, or paste its text.' }
  }
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes), fileName }
  } catch {
    return { ok: false, message: 'The file is not UTF-8 text. In your spreadsheet, save it as “CSV UTF-8”.' }
  }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'member.edit')
  const runtime = args.context.get(runtimeContext)
  const formData = await args.request.formData()
  const upload = await readUpload(formData)
  if (!upload.ok) return data({ stage: 'upload' as const, message: upload.message }, { status: 400 })

  if (formData.get('intent') === 'commit') {
    const band = await bandProfile(runtime)
    const outcome = await commitImport(
      runtime.db,
      { text: upload.text, expected: Number(formData.get('expected')), fileName: upload.fileName, today: todayIn(band.timeZone), changedBy: user.id },
      auditContextOf(args, user),
    )
    if (!outcome.ok) return data(previewOf(outcome.check, upload.text, upload.fileName, outcome.message), { status: 400 })
    return redirectWithToast(runtime, href('/admin/members'), `Imported ${outcome.created} new member(s) and updated ${outcome.updated}.`)
  }
  const check = await previewImport(runtime.db, upload.text)
  const failed = check.fileErrors.length > 0 || check.rowErrors.length > 0
  return data(previewOf(check, upload.text, upload.fileName), { status: failed ? 400 : 200 })
}

export default function ImportMembers({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  const preview = actionData && actionData.stage === 'preview' ? actionData : null
  const uploadError = actionData && actionData.stage === 'upload' ? actionData.message : null
  return (
    <div className="max-w-5xl space-y-6">
      <p>
        <Link to={href('/admin/members')} className="inline-flex min-h-11 items-center text-brand-800 underline">← Members</Link>
      </p>
      <h1 className="text-3xl font-bold tracking-tight">Import members</h1>
      <p className="text-stone-700">
        Upload the roster as a CSV file. You see what will change first; nothing is saved until you press “Import”, and then every row
        is saved or none is.
      </p>

      {preview ? <PreviewPart preview={preview} busy={busy} /> : null}

      <section aria-labelledby="upload-heading" className="space-y-4 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
        <h2 id="upload-heading" className="text-2xl font-semibold">{preview ? 'Upload another file' : 'Upload a file'}</h2>
        {uploadError ? <FormAlert>{uploadError}</FormAlert> : null}
        <Form method="post" encType="multipart/form-data" className="space-y-4">
          <div className="space-y-1">
            <label htmlFor="import-file" className="block font-medium">CSV file</label>
            <p id="import-file-hint" className="text-sm text-stone-700">UTF-8, separated by commas or semicolons, at most {loaderData.maxRows.toLocaleString('en-GB')} rows.</p>
            <input id="import-file" name="file" type="file" accept=".csv,text/csv" aria-describedby="import-file-hint" className="block min-h-11 w-full max-w-md rounded border border-stone-400 bg-white px-3 py-2" />
          </div>
          <details>
            <summary className="inline-flex min-h-11 cursor-pointer items-center text-brand-800 underline">Or paste the CSV text</summary>
            <label htmlFor="import-text" className="mt-2 block font-medium">CSV text</label>
            <textarea id="import-text" name="csv" rows={6} className="block w-full rounded border border-stone-400 bg-white px-3 py-2 font-mono text-sm" />
          </details>
          <SubmitButton disabled={busy}>Check the file</SubmitButton>
        </Form>
      </section>

      <section aria-labelledby="columns-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
        <h2 id="columns-heading" className="text-2xl font-semibold">Columns</h2>
        <p>The first row names the columns, in any order, in upper or lower case. An empty cell leaves what a member already has.</p>
        <dl className="grid gap-x-6 gap-y-2 sm:grid-cols-[max-content_1fr]">
          {IMPORT_COLUMNS.map((column) => (
            <div key={column.name} className="contents">
              <dt className="font-mono font-semibold">{column.name}{column.required ? ' (required)' : ''}</dt>
              <dd className="mb-2 sm:mb-0">{column.help}</dd>
            </div>
          ))}
        </dl>
        <p className="text-sm text-stone-700">
          A file from “Export CSV” imports as it is: its extra columns ({EXPORT_ONLY_COLUMNS.join(', ')}) are read past. Any other column is refused by name.
        </p>
        <pre className="overflow-x-auto rounded bg-stone-100 p-3 text-sm">{'first_name,last_name,email,instrument,chair,status,joined_on\nAda,Lovelace,ada@example.org,Flute,2,active,2024-09-03'}</pre>
      </section>
    </div>
  )
}

function PreviewPart({ preview, busy }: { preview: Preview; busy: boolean }) {
  const failed = preview.fileErrors.length > 0 || preview.errorCount > 0
  const count = preview.creates + preview.updates
  return (
    <section aria-labelledby="preview-heading" className="space-y-4 rounded-lg border border-stone-200 bg-white p-4 sm:p-6">
      <h2 id="preview-heading" className="text-2xl font-semibold">Preview{preview.fileName ? ` of ${preview.fileName}` : ''}</h2>
      {preview.message ? <FormAlert>{preview.message}</FormAlert> : null}
      {preview.fileErrors.length ? (
        <FormAlert>
          <p className="font-semibold">This file cannot be imported:</p>
          <ul className="list-disc pl-5">{preview.fileErrors.map((error) => <li key={error}>{error}</li>)}</ul>
        </FormAlert>
      ) : (
        <p>
          {preview.total} row(s): <strong>{preview.creates} new</strong>, <strong>{preview.updates} to update</strong> (matched on e-mail)
          {preview.errorCount ? <>, <strong className="text-red-800">{preview.errorCount} error(s)</strong></> : null}.
        </p>
      )}
      {preview.errorCount ? (
        <>
          <FormAlert>Fix these in the file and upload it again: nothing is imported while any row has an error.</FormAlert>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">Errors by row</caption>
              <thead className="border-b border-stone-200 bg-stone-50">
                <tr><th scope="col" className="px-3 py-2">Row</th><th scope="col" className="px-3 py-2">Column</th><th scope="col" className="px-3 py-2">Problem</th></tr>
              </thead>
              <tbody className="divide-y divide-stone-200">
                {preview.rowErrors.map((error) => (
                  <tr key={`${error.row}-${error.field}`}>
                    <td className="px-3 py-2 font-medium">{error.row}</td>
                    <td className="px-3 py-2 font-mono">{error.field}</td>
                    <td className="px-3 py-2">{error.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {preview.errorCount > preview.rowErrors.length ? <p>…and {preview.errorCount - preview.rowErrors.length} more.</p> : null}
        </>
      ) : null}
      {!failed ? (
        <>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-sm">
              <caption className="sr-only">What the import will save</caption>
              <thead className="border-b border-stone-200 bg-stone-50">
                <tr>
                  <th scope="col" className="px-3 py-2">Row</th><th scope="col" className="px-3 py-2">Change</th><th scope="col" className="px-3 py-2">Name</th>
                  <th scope="col" className="hidden px-3 py-2 sm:table-cell">E-mail</th><th scope="col" className="px-3 py-2">Instrument</th><th scope="col" className="px-3 py-2">Status</th>
                </tr>
              </thead>
              <tbody className="divide-y divide-stone-200">
                {preview.rows.map((row) => (
                  <tr key={row.row}>
                    <td className="px-3 py-2">{row.row}</td>
                    <td className="px-3 py-2 font-medium">{row.action === 'create' ? 'New' : 'Update'}</td>
                    <td className="px-3 py-2">{row.firstName} {row.lastName}</td>
                    <td className="hidden px-3 py-2 sm:table-cell">{row.email}</td>
                    <td className="px-3 py-2">{row.instrumentName ? `${row.instrumentName}${row.chair ? `, chair ${row.chair}` : ''}` : '—'}</td>
                    <td className="px-3 py-2">{row.status ? STATUS_LABELS[row.status] : row.action === 'create' ? STATUS_LABELS.active : 'unchanged'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {count > preview.rows.length ? <p>…and {count - preview.rows.length} more.</p> : null}
          <Form method="post" encType="multipart/form-data" className="flex flex-wrap items-center gap-3">
            <input type="hidden" name="intent" value="commit" />
            <input type="hidden" name="csv" value={preview.csv} />
            <input type="hidden" name="fileName" value={preview.fileName ?? ''} />
            <input type="hidden" name="expected" value={count} />
            <SubmitButton disabled={busy}>{`Import ${count} member${count === 1 ? '' : 's'}`}</SubmitButton>
            <Link to={href('/admin/members/import')} className={buttonLink}>Cancel</Link>
          </Form>
        </>
      ) : null}
    </section>
  )
}
