/** How long a deleted part file stays in the trash, restorable (shared by the service and the part page). */
export const TRASH_DAYS = 30
