import { Fragment } from 'react'
import { Form } from 'react-router'
import { ANSWER_LABELS, RSVP_ANSWERS } from '#app/modules/events/rsvp-schema.ts'
import type { RsvpAnswer } from '#db/types.ts'

/**
 * RSVP pieces shared by the portal's pages: the three one-tap buttons (each
 * its own small POST form, so they work without JavaScript and a tap sends
 * exactly one answer) and the badge that says what a member's answer is.
 */

const BUTTON =
  'inline-flex min-h-11 min-w-11 items-center justify-center rounded border-2 px-3 py-2 font-semibold aria-pressed:border-brand-800 aria-pressed:bg-brand-800 aria-pressed:text-white'
const TONE: Record<RsvpAnswer, string> = {
  going: 'border-green-700 bg-white text-green-900 hover:bg-green-50',
  not_going: 'border-red-700 bg-white text-red-900 hover:bg-red-50',
  maybe: 'border-amber-700 bg-white text-amber-900 hover:bg-amber-50',
}

/** Three forms in a row: "Going", "Not going", "Maybe"; the member's answer is pressed. */
export function OneTapAnswers({ eventId, answer, action, label }: { eventId: string; answer: RsvpAnswer | null; action: string; label: string }) {
  return (
    <ul aria-label={label} className="flex flex-wrap gap-2">
      {RSVP_ANSWERS.map((value) => (
        <li key={value}>
          <Form method="post" action={action}>
            <input type="hidden" name="eventId" value={eventId} />
            <button type="submit" name="answer" value={value} aria-pressed={answer === value} className={`${BUTTON} ${TONE[value]}`}>
              {ANSWER_LABELS[value]}
            </button>
          </Form>
        </li>
      ))}
    </ul>
  )
}

/** Submit buttons for a form that also carries other fields (the event page's note). */
export function AnswerSubmitButtons({ answer }: { answer: RsvpAnswer | null }) {
  return (
    // Spaces between the buttons, so a text browser does not run their names together.
    <div className="flex flex-wrap gap-2">
      {RSVP_ANSWERS.map((value, index) => (
        <Fragment key={value}>
          {index > 0 ? ' ' : null}
          <button type="submit" name="answer" value={value} aria-pressed={answer === value} className={`${BUTTON} ${TONE[value]}`}>
            {ANSWER_LABELS[value]}
          </button>
        </Fragment>
      ))}
    </div>
  )
}

/** What the member's answer is: their own, "Away" (an absence answers for them), or none yet. */
export function AnswerBadge({ answer, away }: { answer: RsvpAnswer | null; away: boolean }) {
  if (answer) {
    const tone = { going: 'bg-green-100 text-green-900', not_going: 'bg-red-100 text-red-900', maybe: 'bg-amber-100 text-amber-900' }[answer]
    return <span className={`rounded-full px-2.5 py-0.5 text-sm font-semibold ${tone}`}>Your answer: {ANSWER_LABELS[answer]}</span>
  }
  if (away) return <span className="rounded-full bg-stone-200 px-2.5 py-0.5 text-sm font-semibold text-stone-900">Away (not going)</span>
  return <span className="rounded-full bg-stone-100 px-2.5 py-0.5 text-sm text-stone-800">No answer yet</span>
}
