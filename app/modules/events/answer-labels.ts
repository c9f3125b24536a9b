import type { RollEntry } from './roll.server.ts'
import { ANSWER_LABELS } from './rsvp-schema.ts'

/** How a roll entry's answer reads on coverage and attendance pages. */
export function answerLabel(entry: Pick<RollEntry, 'answer' | 'away' | 'effectiveAnswer'>): string {
  // An absence answered for them: say "Away", so nobody chases a member who told the band.
  if (entry.answer === null && entry.away) return 'Away'
  return entry.effectiveAnswer ? ANSWER_LABELS[entry.effectiveAnswer] : 'No answer'
}

/** Badge colours per answer (text stays dark on a light ground: AA contrast). */
export function answerTone(entry: Pick<RollEntry, 'effectiveAnswer'>): string {
  switch (entry.effectiveAnswer) {
    case 'going':
      return 'bg-green-100 text-green-900'
    case 'not_going':
      return 'bg-red-100 text-red-900'
    case 'maybe':
      return 'bg-amber-100 text-amber-900'
    default:
      return 'bg-stone-100 text-stone-800'
  }
}
