import type { SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, href, Link } from 'react-router'
import { z } from 'zod'
import { FormAlert } from '#app/components/forms.tsx'
import { Badge, StatusBadge } from '#app/components/member-ui.tsx'
import { changeRole } from '#app/modules/identity/admin-accounts.server.ts'
import { auditContextOf, requireGrants, requirePermission } from '#app/modules/identity/auth.server.ts'
import { inviteMember } from '#app/modules/identity/invitations.server.ts'
import { siteOrigin } from '#app/modules/identity/password-reset.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { ROLE_NAMES } from '#app/modules/identity/roles.ts'
import { InviteMemberSchema } from '#app/modules/identity/schema.ts'
import { canDeliverLinks } from '#app/modules/email/outbox.server.ts'
import { mayViewMember, mayViewRoster } from '#app/modules/members/access.ts'
import {
  changeInstrument,
  changeStatus,
  getMemberRecord,
  listEngageableEvents,
  listInstruments,
  sectionsOf,
  todayIn,
  updateProfile,
} from '#app/modules/members/member-record.server.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import {
  AddInstrumentSchema,
  KIND_LABELS,
  MemberProfileSchema,
  RemoveInstrumentSchema,
  StatusChangeSchema,
  UpdateInstrumentSchema,
} from '#app/modules/members/schema.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import { AccountPart, engagement, InstrumentsPart, ProfilePart, StatusPart } from './parts.tsx'
import type { Route } from './+types/route'

export const meta: Route.MetaFunction = ({ loaderData }) => [
  { title: loaderData ? `${loaderData.member.firstName} ${loaderData.member.lastName} · Members` : 'Member' },
]

const RoleChangeSchema = z.object({
  intent: z.enum(['grant-role', 'revoke-role']),
  role: z.enum(ROLE_NAMES, { error: 'Choose a role' }),
  sectionId: z.preprocess((value) => (value === '' ? undefined : value), z.uuid().optional()),
})

/** The member, or 404; then only those who may see them (a leader: members of their own section). */
async function loadVisibleMember(args: Route.LoaderArgs | Route.ActionArgs) {
  const user = requireGrants(args, mayViewRoster, 'member.view.all | member.view.section')
  const { db } = args.context.get(runtimeContext)
  const member = await getMemberRecord(db, args.params.memberId)
  if (!member) throw data({ reason: 'not-found' }, { status: 404 })
  if (!mayViewMember(user.grants, sectionsOf(member))) requirePermission(args, 'member.view.all')
  return { user, member }
}

export async function loader(args: Route.LoaderArgs) {
  const { user, member } = await loadVisibleMember(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const mayEdit = can(user.grants, 'member.edit')
  const [instruments, events, sections, band] = await Promise.all([
    mayEdit ? listInstruments(db) : [],
    mayEdit ? listEngageableEvents(db, new Date(), member.engagedEventId) : [],
    listSections(db),
    bandProfile(runtime),
  ])
  return {
    member: { ...member, notes: mayEdit || can(user.grants, 'member.view.all') ? member.notes : null },
    instruments,
    events,
    sections,
    timeZone: band.timeZone,
    today: todayIn(band.timeZone),
    may: {
      edit: mayEdit,
      invite: can(user.grants, 'user.invite'),
      assignRoles: can(user.grants, 'role.assign'),
      manageAccounts: can(user.grants, 'user.manage'),
      seeNotes: mayEdit || can(user.grants, 'member.view.all'),
    },
    isMe: member.account?.id === user.id,
  }
}

export type ActionAnswer = { intent: string; result?: SubmissionResult<string[]>; message?: string; instrumentId?: string }

export async function action(args: Route.ActionArgs) {
  const { member } = await loadVisibleMember(args)
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const formData = await args.request.formData()
  const intent = String(formData.get('intent') ?? '')
  const here = href('/admin/members/:memberId', { memberId: member.id })
  const name = `${member.firstName} ${member.lastName}`
  const refuse = (answer: ActionAnswer) => data(answer, { status: 400 })

  switch (intent) {
    case 'profile': {
      const user = requirePermission(args, 'member.edit')
      const submission = parseWithZod(formData, { schema: MemberProfileSchema })
      if (submission.status !== 'success') return refuse({ intent, result: submission.reply() })
      const outcome = await updateProfile(db, member.id, submission.value, auditContextOf(args, user))
      if (!outcome.ok) return refuse({ intent, result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) })
      return redirectWithToast(runtime, here, 'Profile saved.')
    }
    case 'status': {
      const user = requirePermission(args, 'member.edit')
      const submission = parseWithZod(formData, { schema: StatusChangeSchema })
      if (submission.status !== 'success') return refuse({ intent, result: submission.reply() })
      const today = todayIn((await bandProfile(runtime)).timeZone)
      // Nothing would flip the status on a later day, so a change is recorded once it has happened.
      if (submission.value.effectiveOn > today) {
        return refuse({ intent, result: submission.reply({ fieldErrors: { effectiveOn: [`That day is still to come. Record a change from the day it takes effect: today (${today}) or earlier`] } }) })
      }
      await changeStatus(db, member.id, { ...submission.value, today, changedBy: user.id }, auditContextOf(args, user))
      return redirectWithToast(runtime, here, 'Status change recorded.')
    }
    case 'add-instrument':
    case 'update-instrument':
    case 'remove-instrument': {
      const user = requirePermission(args, 'member.edit')
      const schema = intent === 'add-instrument' ? AddInstrumentSchema : intent === 'update-instrument' ? UpdateInstrumentSchema : RemoveInstrumentSchema
      const submission = parseWithZod(formData, { schema })
      const instrumentId = String(formData.get('instrumentId') ?? '')
      if (submission.status !== 'success') return refuse({ intent, instrumentId, result: submission.reply() })
      const value = submission.value
      const change =
        value.intent === 'remove-instrument'
          ? ({ kind: 'remove', instrumentId: value.instrumentId } as const)
          : ({ kind: value.intent === 'add-instrument' ? 'add' : 'update', instrumentId: value.instrumentId, chair: value.chair, primary: value.primary } as const)
      const outcome = await changeInstrument(db, member.id, change, auditContextOf(args, user))
      if (!outcome.ok) return refuse({ intent, instrumentId, result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) })
      return redirectWithToast(runtime, here, change.kind === 'remove' ? 'Instrument removed.' : 'Instruments saved.')
    }
    case 'invite': {
      const user = requirePermission(args, 'user.invite')
      // The page shows no invitation form then: say it above the parts.
      if (member.account) return refuse({ intent, message: `${name} already has an account.` })
      const submission = parseWithZod(formData, { schema: InviteMemberSchema })
      if (submission.status !== 'success') return refuse({ intent, result: submission.reply() })
      const outcome = await inviteMember(db, {
        email: submission.value.email,
        displayName: submission.value.displayName,
        role: submission.value.role,
        sectionId: submission.value.sectionId ?? null,
        memberId: member.id,
        inviter: { id: user.id, grants: user.grants },
        siteOrigin: siteOrigin(runtime.config),
        sealWith: runtime.sessionSecret,
        audit: auditContextOf(args, user),
      })
      if (outcome.kind === 'refused') return refuse({ intent, result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) })
      if (!canDeliverLinks(runtime)) {
        // No mail server can carry it: the link goes to the inviter's own screen, once (as on the accounts page).
        return redirectWithToast(runtime, here, `No mail server is set up, so give ${submission.value.email} this invitation link yourself. It works once, for 7 days: ${outcome.link}`, { kind: 'info' })
      }
      return redirectWithToast(runtime, here, `Invitation sent to ${submission.value.email}. Accepting it links the account to ${name}.`)
    }
    case 'grant-role':
    case 'revoke-role': {
      const user = requirePermission(args, 'role.assign')
      const submission = parseWithZod(formData, { schema: RoleChangeSchema })
      if (submission.status !== 'success') return refuse({ intent: 'roles', result: submission.reply() })
      // The account is the member's own, looked up here: never an id from the form.
      if (!member.account) return refuse({ intent: 'roles', message: `${name} has no account yet.` })
      const outcome = await changeRole(db, {
        userId: member.account.id,
        role: submission.value.role,
        sectionId: submission.value.role === 'section_leader' ? (submission.value.sectionId ?? null) : null,
        grant: submission.value.intent === 'grant-role',
        actor: user,
        audit: auditContextOf(args, user),
      })
      if (!outcome.ok) return data<ActionAnswer>({ intent: 'roles', message: outcome.message }, { status: outcome.status })
      return redirectWithToast(runtime, here, 'Roles updated. They were signed out, so the change applies at once.')
    }
    default:
      return refuse({ intent, message: 'That form was incomplete. Reload the page and try again.' })
  }
}

export default function MemberPage({ loaderData, actionData }: Route.ComponentProps) {
  const { member } = loaderData
  const answer = actionData as ActionAnswer | undefined
  const primary = member.instruments.find((instrument) => instrument.primary)
  return (
    <div className="space-y-8">
      <p>
        <Link to={href('/admin/members')} className="inline-flex min-h-11 items-center text-brand-800 underline">← Members</Link>
      </p>
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">
          {member.firstName} {member.lastName}
          {member.preferredName && member.preferredName !== member.firstName ? <span className="ml-2 text-2xl font-normal text-stone-700">“{member.preferredName}”</span> : null}
        </h1>
        <p className="flex flex-wrap items-center gap-2 text-stone-800">
          <StatusBadge status={member.status} />
          {member.kind !== 'member' ? <><Badge>{KIND_LABELS[member.kind]}</Badge><span>{engagement(loaderData).replace(/^\S+ /, '')}</span></> : null}
          {member.pronouns ? <span>{member.pronouns}</span> : null}
          {primary ? <span>· {primary.section ?? 'No section'} · {primary.name}{primary.chair ? `, chair ${primary.chair}` : ''}</span> : <span>· No instrument yet</span>}
        </p>
      </header>
      {answer?.message && !answer.result ? <FormAlert>{answer.message}</FormAlert> : null}
      <ProfilePart data={loaderData} answer={answer} />
      <StatusPart data={loaderData} answer={answer} />
      <InstrumentsPart data={loaderData} answer={answer} />
      <AccountPart data={loaderData} answer={answer} />
    </div>
  )
}
