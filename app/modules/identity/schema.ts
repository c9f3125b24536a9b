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

/** The forms of /settings/security, told apart by their `intent`. */
export const SecuritySettingsSchema = z.discriminatedUnion('intent', [
  z
    .object({ intent: z.literal('change-password'), currentPassword, newPassword, confirmPassword: z.string().max(512).optional() })
    .refine((value) => value.newPassword === value.confirmPassword, { path: ['confirmPassword'], message: 'The two new passwords are not the same' }),
  z.object({
    intent: z.literal('change-email'),
    currentPassword,
    newEmail: z.string({ error: 'Enter the new email address' }).trim().max(254).email('Enter a valid email address'),
  }),
  z.object({ intent: z.literal('sign-out-session'), sessionId: z.uuid() }),
  z.object({ intent: z.literal('sign-out-others') }),
  z.object({ intent: z.literal('start-mfa'), currentPassword }),
  z.object({ intent: z.literal('confirm-mfa'), code: z.string({ error: 'Enter the code from your app' }).trim().min(1, 'Enter the code from your app').max(16) }),
  z.object({ intent: z.literal('remove-mfa'), currentPassword }),
  z.object({ intent: z.literal('new-recovery-codes'), currentPassword }),
])

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

/** The forms of /admin/members, told apart by their `intent`. */
export const MemberAccountsSchema = z.discriminatedUnion('intent', [
  z.object({
    intent: z.literal('invite'),
    email: z.string({ error: 'Enter an email address' }).trim().max(254).email('Enter a valid email address'),
    displayName: z.string({ error: 'Enter a name' }).trim().min(1, 'Enter a name').max(120),
    role: roleName,
    sectionId: optionalSection,
  }),
  z.object({ intent: z.literal('revoke-sessions'), userId: z.uuid() }),
  z.object({ intent: z.literal('force-reset'), userId: z.uuid() }),
  z.object({ intent: z.literal('set-status'), userId: z.uuid(), status: z.enum(['active', 'locked', 'disabled']) }),
  z.object({ intent: z.literal('grant-role'), userId: z.uuid(), role: roleName, sectionId: optionalSection }),
  z.object({ intent: z.literal('revoke-role'), userId: z.uuid(), role: roleName, sectionId: optionalSection }),
  z.object({ intent: z.literal('revoke-everyone') }),
])
