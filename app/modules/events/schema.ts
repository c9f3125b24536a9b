import type { EventKind } from '#db/types.ts'

/** The kinds of event, in the order pages offer them. */
export const EVENT_KINDS = ['rehearsal', 'sectional', 'concert', 'other'] as const satisfies readonly EventKind[]
