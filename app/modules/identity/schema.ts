import { z } from 'zod'
import { PASSWORD_MAX_LENGTH } from './password-limits.ts'
import { ROLE_NAMES } from './roles.ts'

/** What the sign-in form sends. The only message for bad credentials is generic (see login). */
export const LoginSchema = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254).email('Enter a valid email address'),
  password: z.string({ error: 'Enter your password' }).min(1, 'Enter your password').max(PASSWORD_MAX_LENGTH * 4),
  redirectTo: z.string().optional(),
})

export const TwoFactorSchema = z.object({
  code: z
    .string({ error: 'Enter the code' })
    .trim()
    .min(1, 'Enter the code')
    .max(32),
})

export const EmailSchema = z.object({
  email: z.string({ error: 'Enter your email address' }).trim().min(1, 'Enter your email address').max(254).email('Enter a valid email address'),
})

const currentPassword = z.string({ error: 'Enter your current password' }).min(1, 'Enter your current password').max(512)
const newPassword = z.string({ error: 'Enter a new password' }).min(1, 'Enter a new password').max(512)

/** /settings/security/password */
export const ChangePasswordSchema = z
  .object({ currentPassword, newPassword, confirmPassword: z.string().max(512).optional() })
  .refine((value) => value.newPassword === value.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords are not the same' })

/** A current code from the authenticator app, or a recovery code: asked where two-step sign-in is on. */
const stepUpCode = z.string().trim().max(32).optional()

/** /settings/security/email */
export const ChangeEmailSchema = z.object({
  newEmail: z.string({ error: 'Enter the new email address' }).trim().max(254).email('Enter a valid email address'),
  currentPassword,
  code: stepUpCode,
})

// /settings/security/two-step shows one of three forms, depending on where the
// member is; each names itself with `intent` so a form from an old tab is
// refused rather than taken for another.

/** Two-step sign-in, step 1: the password, then the page shows a QR code. */
export const StartTwoStepSchema = z.object({ intent: z.literal('start'), currentPassword })

/** Two-step sign-in, step 2: the first code from the app turns it on. */
export const ConfirmTwoStepSchema = z.object({
  intent: z.literal('confirm'),
  code: z.string({ error: 'Enter the code from your app' }).trim().min(1, 'Enter the code from your app').max(16),
})

export const TurnOffTwoStepSchema = z.object({ intent: z.literal('turn-off'), currentPassword, code: stepUpCode })

/** What the action of /settings/security/two-step takes: any one of its forms. */
export const TwoStepFormsSchema = z.discriminatedUnion('intent', [StartTwoStepSchema, ConfirmTwoStepSchema, TurnOffTwoStepSchema])

/** /settings/security/recovery-codes */
export const NewRecoveryCodesSchema = z.object({ currentPassword })

/** /settings/security/devices: one device, told apart from the other form by `intent`. */
export const SignOutDeviceSchema = z.object({ intent: z.literal('sign-out-device'), sessionId: z.uuid('Choose a device from the list') })

/** /settings/security/devices: every device but this one. */
export const SignOutOtherDevicesSchema = z.object({ intent: z.literal('sign-out-others') })

/** What the action of /settings/security/devices takes: either of its forms. */
export const DevicesFormsSchema = z.discriminatedUnion('intent', [SignOutDeviceSchema, SignOutOtherDevicesSchema])

export const ResetPasswordSchema = z
  .object({
    token: z.string().min(1).max(200),
    newPassword,
    confirmPassword: z.string().max(512).optional(),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords are not the same' })

export const AcceptInvitationSchema = z
  .object({
    newPassword,
    confirmPassword: z.string().max(512).optional(),
  })
  .refine((value) => value.newPassword === value.confirmPassword, { path: ['confirmPassword'], message: 'The two passwords are not the same' })

const roleName = z.enum(ROLE_NAMES, { error: 'Choose a role' })
const optionalSection = z.preprocess((value) => (value === '' ? undefined : value), z.uuid().optional())

/** The invitation form of /admin/members/accounts (and of a member's page). */
export const InviteMemberSchema = z.object({
  intent: z.literal('invite'),
  email: z.string({ error: 'Enter an email address' }).trim().max(254).email('Enter a valid email address'),
  displayName: z.string({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(120),
  role: roleName,
  sectionId: optionalSection,
})

/** The forms of /admin/members/accounts, told apart by their `intent`. */
export const MemberAccountsSchema = z.discriminatedUnion('intent', [
  InviteMemberSchema,
  z.object({ intent: z.literal('revoke-sessions'), userId: z.uuid() }),
  z.object({ intent: z.literal('force-reset'), userId: z.uuid() }),
  z.object({ intent: z.literal('set-status'), userId: z.uuid(), status: z.enum(['active', 'locked', 'disabled']) }),
  z.object({ intent: z.literal('grant-role'), userId: z.uuid(), role: roleName, sectionId: optionalSection }),
  z.object({ intent: z.literal('revoke-role'), userId: z.uuid(), role: roleName, sectionId: optionalSection }),
  z.object({ intent: z.literal('revoke-everyone') }),
])
