import { z } from 'zod'

/** /portal/calendar: the three forms, told apart by `intent`. "New link" and "Turn off" come from their confirmation step. */
export const CalendarFeedFormsSchema = z.discriminatedUnion('intent', [
  z.object({ intent: z.literal('create') }),
  z.object({ intent: z.literal('regenerate'), confirmed: z.literal('yes', 'Confirm that the old link should stop working') }),
  z.object({ intent: z.literal('turn-off'), confirmed: z.literal('yes', 'Confirm that the link should stop working') }),
])

/** Which confirmation the page shows (a GET only shows it; nothing changes). */
export const CalendarStepSchema = z.enum(['new', 'off']).optional().catch(undefined)
