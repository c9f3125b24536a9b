import { getFormProps, getTextareaProps, type SubmissionResult } from '@conform-to/react'
import { Form, href, Link } from 'react-router'
import type { AnswerCounts, SectionCounts } from '#app/modules/events/event-answers.server.ts'
import { COUNT_COLUMNS, NOTE_MAX, RsvpSchema } from '#app/modules/events/rsvp-schema.ts'
import type { RsvpAnswer } from '#db/types.ts'
import { ErrorList, FormAlert, useSchemaForm } from './forms.tsx'
import { AnswerBadge, AnswerSubmitButtons } from './rsvp.tsx'

/** The parts of the event page about answering: the member's RSVP, the counts, their parts. */

export type OwnRsvp = {
  answer: RsvpAnswer | null
  note: string | null
  away: boolean
  /** Why answers are closed, in the member's words; null while they are open. */
  closedBecause: string | null
  /** "Tuesday 3 March 2027 at 19:30": the last moment to answer. */
  closesAt: string
}

export function RsvpPanel({
  rsvp,
  hasMember,
  lastResult,
}: {
  rsvp: OwnRsvp | null
  /** False for an account with no player on the roster (an admin): nothing to answer, and the page says why. */
  hasMember: boolean
  lastResult: SubmissionResult<string[]> | null | undefined
}) {
  const [form, fields] = useSchemaForm('rsvp-answer', RsvpSchema, lastResult)
  return (
    <section aria-labelledby="rsvp" className="space-y-3 rounded-lg border border-stone-200 bg-white p-5">
      <h2 id="rsvp" className="text-xl font-semibold">
        Your answer
      </h2>
      {!rsvp ? (
        <p className="text-stone-700">
          {hasMember
            ? 'You are not on the list for this event, so there is nothing to answer.'
            : 'Your account is not linked to a player on the band’s roster, so there is nothing to answer.'}
        </p>
      ) : (
        <>
          <p>
            <AnswerBadge answer={rsvp.answer} away={rsvp.away} />
            {rsvp.note ? <span className="ml-1 text-stone-700">{` “${rsvp.note}”`}</span> : null}
          </p>
          {rsvp.away && !rsvp.answer ? (
            <p className="text-sm text-stone-700">
              Your{' '}
              <Link className="text-brand-800 underline" to={href('/portal/availability')}>
                dates away
              </Link>{' '}
              cover this event. Answer below if you can come after all.
            </p>
          ) : null}
          {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
          {rsvp.closedBecause ? (
            <p className="text-stone-800">{rsvp.closedBecause}</p>
          ) : (
            <Form method="post" {...getFormProps(form)} className="space-y-3">
              <div className="space-y-1">
                <label htmlFor={fields.note.id} className="block font-medium">
                  Note (optional)
                </label>
                <p id={`${fields.note.id}-hint`} className="text-sm text-stone-700">
                  For example “late 20 min”. Up to {NOTE_MAX} characters.
                </p>
                <textarea
                  {...getTextareaProps(fields.note)}
                  defaultValue={fields.note.initialValue ?? rsvp.note ?? ''}
                  rows={2}
                  aria-invalid={fields.note.errors?.length ? true : undefined}
                  aria-describedby={[`${fields.note.id}-hint`, fields.note.errors?.length ? `${fields.note.id}-error` : ''].filter(Boolean).join(' ')}
                  className="block w-full max-w-md rounded border border-stone-400 bg-white px-3 py-2 text-base aria-invalid:border-red-700"
                />
                <ErrorList id={`${fields.note.id}-error`} errors={fields.note.errors} />
              </div>
              <ErrorList errors={fields.answer.errors} />
              <AnswerSubmitButtons answer={rsvp.answer} />
              <p className="text-sm text-stone-700">You can change your answer until {rsvp.closesAt}.</p>
            </Form>
          )}
        </>
      )}
    </section>
  )
}

/** Going / not going / maybe / no answer, in total and by section. */
export function AnswerCountsTable({ counts }: { counts: { total: AnswerCounts; sections: SectionCounts[]; everySection: boolean } }) {
  return (
    <section aria-labelledby="answers" className="space-y-3">
      <h2 id="answers" className="text-xl font-semibold">
        Answers so far
      </h2>
      <p className="text-sm text-stone-700">Dates away count as “not going” until the player answers.</p>
      <div className="overflow-x-auto rounded-lg border border-stone-200 bg-white">
        <table className="w-full text-left text-sm leading-tight">
          <caption className="sr-only">Answers by section</caption>
          <thead className="bg-stone-50">
            <tr>
              <th scope="col" className="px-1.5 py-2 sm:px-3">
                Section
              </th>
              {COUNT_COLUMNS.map(([key, label]) => (
                <th key={key} scope="col" className="px-1.5 py-2 sm:px-3 text-right">
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-stone-200">
            {counts.sections.map((section) => (
              <tr key={section.sectionId ?? 'none'}>
                <th scope="row" className="px-1.5 py-2 sm:px-3 font-medium">
                  {section.sectionName}
                </th>
                {COUNT_COLUMNS.map(([key]) => (
                  <td key={key} className="px-1.5 py-2 sm:px-3 text-right tabular-nums">
                    {section.counts[key]}
                  </td>
                ))}
              </tr>
            ))}
            <tr className="bg-stone-50 font-semibold">
              <th scope="row" className="px-1.5 py-2 sm:px-3">
                Whole band
              </th>
              {COUNT_COLUMNS.map(([key]) => (
                <td key={key} className="px-1.5 py-2 sm:px-3 text-right tabular-nums">
                  {counts.total[key]}
                </td>
              ))}
            </tr>
          </tbody>
        </table>
      </div>
    </section>
  )
}

/** The member's parts of the pieces on the set list (downloads come with the music library). */
export function OwnParts({ parts, hasSetList }: { parts: { id: string; title: string; label: string }[]; hasSetList: boolean }) {
  if (!hasSetList) return null
  return (
    <section aria-labelledby="my-parts" className="space-y-3">
      <h2 id="my-parts" className="text-xl font-semibold">
        Your parts
      </h2>
      {parts.length === 0 ? (
        <p className="text-stone-700">The library has no part for your instrument in these pieces yet.</p>
      ) : (
        <>
          <ul className="space-y-1 rounded-lg border border-stone-200 bg-white p-4">
            {parts.map((part) => (
              <li key={part.id}>
                <span className="font-medium">{part.title}</span>: {part.label}
              </li>
            ))}
          </ul>
          <p className="text-sm text-stone-700">Downloading parts comes with the music library; ask the librarian for a copy until then.</p>
        </>
      )}
    </section>
  )
}
