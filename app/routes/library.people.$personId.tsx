import type { SubmissionResult } from '@conform-to/react'
import { getFormProps } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { BackLink } from '#app/components/back-link.tsx'
import { Field, FormAlert, TextAreaField, useSchemaForm } from '#app/components/forms.tsx'
import { FieldGroup, primaryButton } from '#app/components/schedule-fields.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { getPerson, updatePerson } from '#app/modules/library/people.server.ts'
import { ARRANGER_ROLE_LABELS, PersonSchema } from '#app/modules/library/piece-schema.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/library.people.$personId'

export const meta: Route.MetaFunction = ({ loaderData }) => [{ title: loaderData ? `${loaderData.person.name} · Music library` : 'Person' }]

const NOBODY = 'There is no such composer or arranger.'

export async function loader(args: Route.LoaderArgs) {
  requirePermission(args, 'music.edit')
  const { db } = args.context.get(runtimeContext)
  const person = await getPerson(db, args.params.personId)
  if (!person) notFound(NOBODY)
  return { person }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'music.edit')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: PersonSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await updatePerson(runtime.db, args.params.personId, submission.value, auditContextOf(args, user))
  if (!outcome.ok) {
    if (outcome.field === 'person') notFound(NOBODY)
    return data({ result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
  }
  return redirectWithToast(runtime, href('/library/people/:personId', { personId: outcome.value }), `${submission.value.name} is saved.`)
}

function PieceList({ pieces, empty, role }: { pieces: { id: string; title: string; libraryNumber: string | null; arrangerRole: keyof typeof ARRANGER_ROLE_LABELS }[]; empty: string; role?: boolean }) {
  if (pieces.length === 0) return <p className="text-stone-700">{empty}</p>
  return (
    <ul className="space-y-1">
      {pieces.map((piece) => (
        <li key={piece.id}>
          <Link to={href('/library/pieces/:pieceId', { pieceId: piece.id })} className="inline-flex min-h-11 items-center text-brand-800 underline">{piece.title}</Link>
          {piece.libraryNumber ? <span className="ml-2 font-mono text-sm text-stone-700">{piece.libraryNumber}</span> : null}
          {role && piece.arrangerRole !== 'arranger' ? <span className="ml-2 text-sm text-stone-700">({ARRANGER_ROLE_LABELS[piece.arrangerRole].toLowerCase()})</span> : null}
        </li>
      ))}
    </ul>
  )
}

export default function PersonPage({ loaderData, actionData }: Route.ComponentProps) {
  const { person } = loaderData
  const lastResult = (actionData as { result?: SubmissionResult<string[]> } | undefined)?.result
  const [form, fields] = useSchemaForm('person-form', PersonSchema, lastResult, {
    name: person.name,
    sortName: person.sortName,
    bornYear: person.bornYear === null ? '' : String(person.bornYear),
    diedYear: person.diedYear === null ? '' : String(person.diedYear),
    notes: person.notes ?? '',
  })
  const text = (name: 'name' | 'sortName' | 'bornYear' | 'diedYear') => ({
    id: fields[name].id,
    name: fields[name].name,
    defaultValue: typeof fields[name].initialValue === 'string' ? fields[name].initialValue : '',
    autoComplete: 'off',
  })
  return (
    <div className="space-y-8">
      <p>
        <BackLink to={href('/library/people')}>Composers and arrangers</BackLink>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">{person.name}</h1>
        {person.bornYear || person.diedYear ? <p className="text-lg text-stone-700 tabular-nums">{`${person.bornYear ?? '?'}–${person.diedYear ?? ''}`}</p> : null}
        {person.composed.length ? (
          <p>
            <Link to={`${href('/library')}?${new URLSearchParams({ composerId: person.id })}`} className="text-brand-800 underline">
              Their music in the catalogue
            </Link>
          </p>
        ) : null}
      </header>
      <div className="grid gap-6 md:grid-cols-2">
        <section aria-labelledby="composed-heading" className="space-y-2">
          <h2 id="composed-heading" className="text-xl font-semibold">Composer of ({person.composed.length})</h2>
          <PieceList pieces={person.composed} empty="No pieces in the catalogue." />
        </section>
        <section aria-labelledby="arranged-heading" className="space-y-2">
          <h2 id="arranged-heading" className="text-xl font-semibold">Arranger or editor of ({person.arranged.length})</h2>
          <PieceList pieces={person.arranged} empty="No pieces in the catalogue." role />
        </section>
      </div>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="max-w-3xl">
        <FieldGroup legend="Change the name or years">
          <Field label="Name" errors={fields.name.errors} inputProps={{ ...text('name'), required: true }} />
          <Field label="Sort name" hint="What the catalogue sorts by; empty for surname first." errors={fields.sortName.errors} inputProps={text('sortName')} />
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Born" errors={fields.bornYear.errors} inputProps={{ ...text('bornYear'), inputMode: 'numeric' }} />
            <Field label="Died" errors={fields.diedYear.errors} inputProps={{ ...text('diedYear'), inputMode: 'numeric' }} />
          </div>
          <TextAreaField label="Notes" errors={fields.notes.errors} textareaProps={{ id: fields.notes.id, name: fields.notes.name, defaultValue: typeof fields.notes.initialValue === 'string' ? fields.notes.initialValue : '' }} />
          <button type="submit" className={primaryButton}>Save the changes</button>
        </FieldGroup>
      </Form>
    </div>
  )
}
