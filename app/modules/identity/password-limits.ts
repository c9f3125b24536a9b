// Shared by the forms (hints, maxlength) and the server-side policy.
export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 128
