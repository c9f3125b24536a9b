import { z } from 'zod'

/**
 * The member's own profile form (/portal/profile). Blank fields arrive as
 * undefined (Conform), and mean "none". Emergency contacts are two numbered
 * groups of fields rather than a list, so each field has its own error and
 * the form needs no JavaScript to add a row.
 */

const PHONE_CHARACTERS = /^\+?[0-9][0-9 ().-]*$/
const digitCount = (value: string) => value.replace(/\D/g, '').length

function phone(label: string) {
  return z
    .string()
    .trim()
    .max(30, `${label} is too long`)
    .refine((value) => PHONE_CHARACTERS.test(value) && digitCount(value) >= 6 && digitCount(value) <= 15, {
      message: `${label}: use digits, spaces and an optional + at the start, e.g. 07700 900123`,
    })
    .optional()
}

const text = (max: number, label: string) => z.string().trim().max(max, `${label} can be at most ${max} characters`).optional()

export const EMERGENCY_CONTACT_SLOTS = [1, 2] as const

export const ProfileSchema = z
  .object({
    preferredName: text(60, 'Preferred name'),
    pronouns: text(40, 'Pronouns'),
    email: z.string().trim().max(254, 'The e-mail address is too long').email('Enter a valid e-mail address, e.g. sam@example.org').optional(),
    phone: phone('Phone'),
    contact1Name: text(80, 'Name'),
    contact1Relationship: text(40, 'Relationship'),
    contact1Phone: phone('Phone'),
    contact2Name: text(80, 'Name'),
    contact2Relationship: text(40, 'Relationship'),
    contact2Phone: phone('Phone'),
    directoryListed: z.boolean().optional(),
    directoryShowEmail: z.boolean().optional(),
    directoryShowPhone: z.boolean().optional(),
  })
  .superRefine((value, context) => {
    for (const slot of EMERGENCY_CONTACT_SLOTS) {
      const name = value[`contact${slot}Name`]
      const relationship = value[`contact${slot}Relationship`]
      const contactPhone = value[`contact${slot}Phone`]
      if (!name && !relationship && !contactPhone) continue
      if (!name) context.addIssue({ code: 'custom', path: [`contact${slot}Name`], message: `Enter the name of emergency contact ${slot}` })
      if (!contactPhone) context.addIssue({ code: 'custom', path: [`contact${slot}Phone`], message: `Enter a phone number for emergency contact ${slot}` })
    }
    // Showing what is not there would promise the directory something it cannot show.
    if (value.directoryShowEmail && !value.email) {
      context.addIssue({ code: 'custom', path: ['directoryShowEmail'], message: 'Add a contact e-mail above to show it in the directory' })
    }
    if (value.directoryShowPhone && !value.phone) {
      context.addIssue({ code: 'custom', path: ['directoryShowPhone'], message: 'Add a phone number above to show it in the directory' })
    }
  })

export type ProfileInput = z.output<typeof ProfileSchema>
