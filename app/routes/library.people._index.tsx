import type { SubmissionResult } from '@conform-to/react'
import { getFormProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { Field, FormAlert, useSchemaForm } from '#app/components/forms.tsx'
import { FieldGroup, primaryButton, secondaryButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { createPerson, decodePeopleCursor, encodePeopleCursor, listPeople } from '#app/modules/library/people.server.ts'
import { PeopleQuerySchema, PersonSchema } from '#app/modules/library/piece-schema.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.people._index'

export const meta: Route.MetaFunction = () => [{ title: 'Composers and arrangers · Music library' }]

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.edit')
  const { db } = args.context.get(runtimeContext)
  const url = new URL(args.request.url)
  const query = PeopleQuerySchema.parse(Object.fromEntries(url.searchParams))
  const { people, next } = await listPeople(db, { q: query.q, after: decodePeopleCursor(query.after) })
  const nextParams = new URLSearchParams()
  if (query.q) nextParams.set('q', query.q)
  if (next) nextParams.set('after', encodePeopleCursor(next))
  return { q: query.q ?? '', people, nextUrl: next ? `?${nextParams}` : null, paged: Boolean(query.after) }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: PersonSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await createPerson(runtime.db, submission.value, auditContextOf(args, user))
  if (!outcome.ok) return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  return redirectWithToast(runtime, href('/library/people/:personId', { personId: outcome.value }), `${submission.value.name} is in the library.`)
}

const years = (born: number | null, died: number | null) => (born || died ? `${born ?? '?'}–${died ?? ''}` : '')

export default function People({ loaderData, actionData }: Route.ComponentProps) {
  const { people, q } = loaderData
  const lastResult = (actionData as { result?: SubmissionResult<string[]> } | undefined)?.result
  const [form, fields] = useSchemaForm('person-form', PersonSchema, lastResult)
  return (
    <div className="space-y-8">
      <header className="flex flex-wrap items-end justify-between gap-4">
        <div className="space-y-1">
          <h1 className="text-3xl font-bold tracking-tight">Composers and arrangers</h1>
          <p className="text-stone-700">Everyone named on a piece, sorted by surname. A name typed on a piece is added here by itself.</p>
        </div>
        <a href={`#${form.id}`} className={secondaryButton}>Add a person</a>
      </header>
      <Form method="get" role="search" className="flex flex-wrap items-end gap-3">
        <div className="space-y-1">
          <label htmlFor="people-q" className="block font-medium">Name</label>
          <input id="people-q" name="q" type="search" defaultValue={q} className="block min-h-11 w-72 max-w-full rounded border border-stone-400 bg-white px-3 py-2" />
        </div>
        <button type="submit" className={secondaryButton}>Search</button>
        {q ? <Link to={href('/library/people')} className="inline-flex min-h-11 items-center text-brand-800 underline">Show everyone</Link> : null}
      </Form>

      {people.length === 0 ? (
        <p className="text-stone-700">{q ? `Nobody in the library matches “${q}”.` : 'No composers or arrangers yet. Add one below, or name them on a piece.'}</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
          <table className="w-full text-left">
            <thead className="bg-stone-50">
              <tr>
                <th scope="col" className="px-3 py-2">Name</th>
                <th scope="col" className="px-3 py-2">Years</th>
                <th scope="col" className="px-3 py-2 text-right">Composed</th>
                <th scope="col" className="px-3 py-2 text-right">Arranged</th>
              </tr>
            </thead>
            <tbody>
              {people.map((person) => (
                <tr key={person.id} className="border-t border-stone-100">
                  <th scope="row" className="px-3 py-1 font-medium">
                    <Link to={href('/library/people/:personId', { personId: person.id })} className="inline-flex min-h-11 items-center text-brand-800 underline">{person.sortName}</Link>
                  </th>
                  <td className="px-3 py-1 tabular-nums">{years(person.bornYear, person.diedYear) || <span className="text-stone-500" aria-label="not recorded">—</span>}</td>
                  <td className="px-3 py-1 text-right tabular-nums">{person.composed}</td>
                  <td className="px-3 py-1 text-right tabular-nums">{person.arranged}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {loaderData.paged || loaderData.nextUrl ? (
        <nav aria-label="Pages" className="flex gap-3">
          {loaderData.paged ? <Link to={q ? `?q=${encodeURIComponent(q)}` : href('/library/people')} className={secondaryButton}>← First page</Link> : null}
          {loaderData.nextUrl ? <Link to={loaderData.nextUrl} rel="next" className={secondaryButton}>Next page →</Link> : null}
        </nav>
      ) : null}

      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl scroll-mt-4 space-y-4">
        <FieldGroup legend="Add a composer or arranger">
          <Field label="Name" hint="As it should read on a programme: Gustav Holst." errors={fields.name.errors} inputProps={{ id: fields.name.id, name: fields.name.name, required: true, autoComplete: 'off' }} />
          <Field label="Sort name" hint="Leave empty for “Holst, Gustav”." errors={fields.sortName.errors} inputProps={{ id: fields.sortName.id, name: fields.sortName.name, autoComplete: 'off' }} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Born" errors={fields.bornYear.errors} inputProps={{ id: fields.bornYear.id, name: fields.bornYear.name, inputMode: 'numeric' }} />
            <Field label="Died" errors={fields.diedYear.errors} inputProps={{ id: fields.diedYear.id, name: fields.diedYear.name, inputMode: 'numeric' }} />
          </div>
          <button type="submit" className={primaryButton}>Add the person</button>
        </FieldGroup>
      </Form>
    </div>
  )
}
