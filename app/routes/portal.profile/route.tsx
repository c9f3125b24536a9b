import { getFormProps, getInputProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useLocation, useNavigation } from 'react-router'
import { CheckboxField, Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { getOwnProfile, updateOwnProfile } from '#app/modules/members/profile.server.ts'
import { EMERGENCY_CONTACT_SLOTS, ProfileSchema } from '#app/modules/members/profile-schema.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/route'
import { BandRecord, NoMemberRecord } from './parts.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'My profile' }]

const NOT_A_MEMBER = 'Your account is not linked to a member of the band, so there is no profile to save. An administrator can link it on the roster.'

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'profile.edit.own')
  const runtime = args.context.get(runtimeContext)
  const profile = user.memberId ? await getOwnProfile(runtime.db, user.memberId, runtime.memberDataKeys) : undefined
  return { signInEmail: user.email, profile: profile ?? null }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'profile.edit.own')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: ProfileSchema })
  // The member is always the signed-in user's own: an id sent in the form is never read.
  if (!user.memberId) return data({ result: submission.reply({ formErrors: [NOT_A_MEMBER] }) }, { status: 400 })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  const outcome = await updateOwnProfile(runtime.db, {
    memberId: user.memberId,
    profile: submission.value,
    keys: runtime.memberDataKeys,
    audit: auditContextOf(args, user),
  })
  if (!outcome.ok) {
    const reply = outcome.field ? submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) : submission.reply({ formErrors: [outcome.message] })
    return data({ result: reply }, { status: outcome.field ? 400 : 409 })
  }
  return redirectWithToast(runtime, href('/portal/profile'), 'Your profile is saved.')
}

export default function MyProfile({ loaderData, actionData }: Route.ComponentProps) {
  const { profile, signInEmail } = loaderData
  // A new form after every answer: the saved values after a save, what was typed after a refusal.
  const { key: answerKey } = useLocation()
  return (
    <div className="max-w-3xl space-y-8">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">My profile</h1>
        <p className="text-stone-700">
          You sign in as <strong className="break-words">{signInEmail}</strong>; change that address, your password and two-step sign-in on{' '}
          <Link to={href('/settings/security')} className="text-brand-800 underline">Sign-in and security</Link>.
        </p>
      </header>
      {profile ? (
        <ProfileForm key={answerKey} profile={profile} lastResult={actionData?.result} />
      ) : (
        <>
          {actionData ? <FormAlert>{NOT_A_MEMBER}</FormAlert> : null}
          <NoMemberRecord />
        </>
      )}
    </div>
  )
}

function ProfileForm({ profile, lastResult }: { profile: NonNullable<Route.ComponentProps['loaderData']['profile']>; lastResult: SubmissionResult<string[]> | undefined }) {
  const busy = useNavigation().state === 'submitting'
  const saved: Record<string, string | boolean | undefined> = {
    preferredName: profile.preferredName ?? undefined,
    pronouns: profile.pronouns ?? undefined,
    email: profile.email ?? undefined,
    phone: profile.phone ?? undefined,
    directoryListed: profile.directoryListed,
    directoryShowEmail: profile.directoryShowEmail,
    directoryShowPhone: profile.directoryShowPhone,
  }
  profile.emergencyContacts.forEach((contact, index) => {
    saved[`contact${index + 1}Name`] = contact.name
    saved[`contact${index + 1}Relationship`] = contact.relationship ?? undefined
    saved[`contact${index + 1}Phone`] = contact.phone
  })
  const [form, fields] = useSchemaForm('profile', ProfileSchema, lastResult, saved)
  // Without JavaScript the page comes back at its top: say there is something to fix further down.
  const fieldErrors = Object.entries(lastResult?.error ?? {}).filter(([name, errors]) => name !== '' && errors?.length).length
  type TextField = Exclude<keyof typeof fields, `directory${string}`>
  const text = (name: TextField, type: 'text' | 'email' | 'tel' = 'text') => getInputProps(fields[name], { type })
  return (
    <>
      <BandRecord profile={profile} />
      <section aria-labelledby="edit-heading" className="space-y-5 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
        <h2 id="edit-heading" className="text-xl font-semibold">What you can change</h2>
        {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
        {fieldErrors > 0 ? (
          <FormAlert>Nothing was saved yet: {fieldErrors === 1 ? 'one answer needs' : `${fieldErrors} answers need`} a change, marked below.</FormAlert>
        ) : null}
        {profile.emergencyContactsUnreadable ? (
          <FormAlert tone="info">Your saved emergency contacts could not be read (the site’s key has changed). Please enter them again.</FormAlert>
        ) : null}
        <Form method="post" {...getFormProps(form)} className="space-y-8">
          <fieldset className="space-y-4">
            <legend className="mb-2 text-lg font-semibold">About you</legend>
            <Field
              label="Preferred name"
              hint={`What the band calls you, if not ${profile.firstName}. Leave it blank for ${profile.firstName}.`}
              errors={fields.preferredName.errors}
              inputProps={{ ...text('preferredName'), autoComplete: 'nickname' }}
            />
            <Field label="Pronouns" hint="For example she/her, he/him or they/them. Shown beside your name in the directory." errors={fields.pronouns.errors} inputProps={text('pronouns')} />
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="mb-2 text-lg font-semibold">How to reach you</legend>
            <Field
              label="Contact e-mail"
              hint="Where the band writes to you. It is not your sign-in address."
              errors={fields.email.errors}
              inputProps={{ ...text('email', 'email'), autoComplete: 'email' }}
            />
            <Field label="Phone" errors={fields.phone.errors} inputProps={{ ...text('phone', 'tel'), autoComplete: 'tel' }} />
          </fieldset>

          <fieldset className="space-y-4">
            <legend className="mb-1 text-lg font-semibold">Emergency contacts</legend>
            <p className="text-sm text-stone-700">
              Up to two people to call if something happens at a rehearsal or concert. They are stored encrypted, and only you and your
              section leader can see them. Clear a contact’s fields to remove it.
            </p>
            <div className="grid gap-4 md:grid-cols-2">
              {EMERGENCY_CONTACT_SLOTS.map((slot) => (
                <fieldset key={slot} className="min-w-0 space-y-3 rounded border border-stone-200 p-4">
                  <legend className="px-1 font-semibold">Emergency contact {slot}</legend>
                  <Field label="Name" errors={fields[`contact${slot}Name`].errors} inputProps={{ ...text(`contact${slot}Name`), autoComplete: 'off' }} />
                  <Field
                    label="Relationship"
                    hint="For example partner, parent, friend."
                    errors={fields[`contact${slot}Relationship`].errors}
                    inputProps={{ ...text(`contact${slot}Relationship`), autoComplete: 'off' }}
                  />
                  <Field label="Phone" errors={fields[`contact${slot}Phone`].errors} inputProps={{ ...text(`contact${slot}Phone`, 'tel'), autoComplete: 'off' }} />
                </fieldset>
              ))}
            </div>
          </fieldset>

          <fieldset className="space-y-3">
            <legend className="mb-1 text-lg font-semibold">Member directory</legend>
            <p className="text-sm text-stone-700">
              Choose what other members see in the <Link to={href('/portal/directory')} className="text-brand-800 underline">directory</Link>. Your
              section leader, the director and admins see your e-mail and phone whatever you choose; your emergency contacts only your section
              leader.
            </p>
            <CheckboxField
              label="List me in the member directory"
              hint="With your name, pronouns, instrument and section."
              errors={fields.directoryListed.errors}
              inputProps={getInputProps(fields.directoryListed, { type: 'checkbox' })}
            />
            <CheckboxField label="Show my contact e-mail to members" errors={fields.directoryShowEmail.errors} inputProps={getInputProps(fields.directoryShowEmail, { type: 'checkbox' })} />
            <CheckboxField label="Show my phone number to members" errors={fields.directoryShowPhone.errors} inputProps={getInputProps(fields.directoryShowPhone, { type: 'checkbox' })} />
          </fieldset>

          <SubmitButton disabled={busy}>Save profile</SubmitButton>
        </Form>
      </section>
    </>
  )
}
