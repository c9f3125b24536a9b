import { getFormProps, getInputProps, type SubmissionResult } from '@conform-to/react'
import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link, useLocation, useNavigation } from 'react-router'
import { Field, FormAlert, SubmitButton, useSchemaForm } from '#app/components/forms.tsx'
import {
  changeRole,
  forcePasswordReset,
  listAccounts,
  revokeEveryonesSessions,
  revokeSessionsOf,
  setAccountStatus,
} from '#app/modules/identity/admin-accounts.server.ts'
import { auditContextOf, requireAnyPermission, requirePermission } from '#app/modules/identity/auth.server.ts'
import { inviteMember } from '#app/modules/identity/invitations.server.ts'
import { siteOrigin } from '#app/modules/identity/password-reset.server.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { ROLES, roleLabel } from '#app/modules/identity/roles.ts'
import { InviteMemberSchema, MemberAccountsSchema } from '#app/modules/identity/schema.ts'
import { listSections } from '#app/modules/members/queries.server.ts'
import { canDeliverLinks } from '#app/modules/email/outbox.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/admin.members.accounts'

export const meta: Route.MetaFunction = () => [{ title: 'Accounts' }]

const PAGE_SIZE = 50

export async function loader(args: Route.LoaderArgs) {
  const user = requireAnyPermission(args, ['user.invite', 'user.manage'])
  const { db } = args.context.get(runtimeContext)
  const after = new URL(args.request.url).searchParams.get('after') ?? undefined
  const [accounts, sections] = await Promise.all([listAccounts(db, { limit: PAGE_SIZE + 1, after }), listSections(db)])
  return {
    accounts: accounts.slice(0, PAGE_SIZE),
    nextAfter: accounts.length > PAGE_SIZE ? accounts[PAGE_SIZE - 1]?.display_name : undefined,
    sections,
    me: user.id,
    grants: user.grants,
  }
}

type ActionResult =
  /** The invitation form's reply, for Conform (field errors, the values typed). */
  | { intent: 'invite'; result: SubmissionResult<string[]>; message?: undefined }
  /** Any other form: what went wrong, shown above the list. */
  | { intent: string; result?: undefined; message: string }

export async function action(args: Route.ActionArgs) {
  // Nobody outside the page's audience gets as far as reading the form.
  requireAnyPermission(args, ['user.invite', 'user.manage'])
  const runtime = args.context.get(runtimeContext)
  const { db } = runtime
  const submission = parseWithZod(await args.request.formData(), { schema: MemberAccountsSchema })
  if (submission.status !== 'success') {
    return submission.payload.intent === 'invite'
      ? data<ActionResult>({ intent: 'invite', result: submission.reply() }, { status: 400 })
      : data<ActionResult>({ intent: String(submission.payload.intent ?? ''), message: 'That form was incomplete. Reload the page and try again.' }, { status: 400 })
  }
  const value = submission.value
  const failed = (message: string, status = 400) => data<ActionResult>({ intent: value.intent, message }, { status })
  // Back to the page of the list the form was on.
  const after = new URL(args.request.url).searchParams.get('after')
  const done = (message: string) => redirectWithToast(runtime, after ? `${href('/admin/members/accounts')}?${new URLSearchParams({ after })}` : href('/admin/members/accounts'), message)

  switch (value.intent) {
    case 'invite': {
      const user = requirePermission(args, 'user.invite')
      const outcome = await inviteMember(db, {
        email: value.email,
        displayName: value.displayName,
        role: value.role,
        sectionId: value.sectionId ?? null,
        inviter: { id: user.id, grants: user.grants },
        siteOrigin: siteOrigin(runtime.config),
        sealWith: runtime.sessionSecret,
        audit: auditContextOf(args, user),
      })
      if (outcome.kind === 'sent' && !canDeliverLinks(runtime)) {
        // No mail server can carry it: the link goes to the inviter's own screen, once (finding 1).
        return redirectWithToast(runtime, href('/admin/members/accounts'), `No mail server is set up, so give ${value.email} this invitation link yourself. It works once, for 7 days: ${outcome.link}`, { kind: 'info' })
      }
      return outcome.kind === 'sent'
        ? done(`Invitation sent to ${value.email}. The link works for 7 days.`)
        : data<ActionResult>({ intent: 'invite', result: submission.reply({ fieldErrors: { [outcome.field]: [outcome.message] } }) }, { status: 400 })
    }
    case 'revoke-sessions': {
      const user = requirePermission(args, 'user.manage')
      const outcome = await revokeSessionsOf(db, { userId: value.userId, actor: user, audit: auditContextOf(args, user) })
      return outcome.ok ? done(`${outcome.value} session(s) ended.`) : failed(outcome.message, outcome.status)
    }
    case 'force-reset': {
      const user = requirePermission(args, 'user.manage')
      const outcome = await forcePasswordReset(db, { userId: value.userId, actor: user, audit: auditContextOf(args, user) })
      return outcome.ok ? done('They are signed out and must choose a new password before signing in.') : failed(outcome.message, outcome.status)
    }
    case 'set-status': {
      const user = requirePermission(args, 'user.manage')
      const outcome = await setAccountStatus(db, { userId: value.userId, status: value.status, actor: user, audit: auditContextOf(args, user) })
      return outcome.ok ? done(`The account is now ${value.status}.`) : failed(outcome.message, outcome.status)
    }
    case 'grant-role':
    case 'revoke-role': {
      const user = requirePermission(args, 'role.assign')
      const outcome = await changeRole(db, {
        userId: value.userId,
        role: value.role,
        sectionId: value.role === 'section_leader' ? (value.sectionId ?? null) : null,
        grant: value.intent === 'grant-role',
        actor: user,
        audit: auditContextOf(args, user),
      })
      return outcome.ok ? done('Roles updated. They were signed out, so the change applies at once.') : failed(outcome.message, outcome.status)
    }
    case 'revoke-everyone': {
      const user = requirePermission(args, 'session.revoke.all')
      const ended = await revokeEveryonesSessions(db, { keepSessionId: user.sessionId, audit: auditContextOf(args, user) })
      return done(`Everyone else is signed out (${ended} sessions).`)
    }
  }
}

export default function MemberAccounts({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === 'submitting'
  const result = actionData as ActionResult | undefined
  const { grants } = loaderData
  // A new form after every answer: blank after an invitation was sent, with what was typed after a refusal.
  const { key: answerKey } = useLocation()
  return (
    <div className="space-y-10">
      <div className="space-y-2">
        <h1 className="text-3xl font-bold">Accounts</h1>
        <p className="text-stone-700">
          Who can sign in, and with which roles. The whole band, with or without accounts, is on the{' '}
          <Link to={href('/admin/members')} className="text-brand-800 underline">roster</Link>; invite someone already on it from their page, so the account is linked to them.
        </p>
      </div>
      {result?.message ? <FormAlert>{result.message}</FormAlert> : null}

      {can(grants, 'user.invite') ? (
        <section aria-labelledby="invite-heading" className="max-w-xl space-y-4">
          <h2 id="invite-heading" className="text-2xl font-semibold">Invite someone</h2>
          <p>They get an email with a link to choose their password. The link works once, for 7 days.</p>
          <InviteForm
            key={answerKey}
            lastResult={result?.intent === 'invite' ? result.result : undefined}
            sections={loaderData.sections}
            busy={busy}
          />
        </section>
      ) : null}

      <section aria-labelledby="accounts-heading" className="space-y-4">
        <h2 id="accounts-heading" className="text-2xl font-semibold">Accounts</h2>
        {loaderData.accounts.length === 0 ? <p>No accounts yet. Invite the first members above.</p> : null}
        <ul className="space-y-4">
          {loaderData.accounts.map((account) => (
            <li key={account.id} className="rounded border border-stone-200 bg-white p-4">
              <h3 className="text-lg font-semibold">
                {account.member_id ? (
                  <Link to={href('/admin/members/:memberId', { memberId: account.member_id })} className="text-brand-800 underline">{account.display_name}</Link>
                ) : (
                  account.display_name
                )}
              </h3>
              <p className="text-sm text-stone-700">
                {account.email} · {account.status}
                {account.must_reset_password ? ' · must choose a new password' : ''} · {account.activeSessions} active session(s)
              </p>
              <p className="text-sm">
                Roles:{' '}
                {account.roles.length
                  ? account.roles.map((role) => `${roleLabel(role.role)}${role.section ? ` (${role.section})` : ''}`).join(', ')
                  : 'none'}
              </p>
              {can(grants, 'user.manage') && account.id !== loaderData.me ? (
                <div className="mt-3 flex flex-wrap gap-2">
                  <AccountAction intent="revoke-sessions" userId={account.id} label={account.display_name} text="Sign out everywhere" />
                  <AccountAction intent="force-reset" userId={account.id} label={account.display_name} text="Force password reset" />
                  {account.status === 'active' ? (
                    <AccountAction intent="set-status" userId={account.id} extra={{ status: 'disabled' }} label={account.display_name} text="Disable account" />
                  ) : (
                    <AccountAction intent="set-status" userId={account.id} extra={{ status: 'active' }} label={account.display_name} text="Enable account" />
                  )}
                </div>
              ) : null}
              {can(grants, 'role.assign') && account.id !== loaderData.me ? (
                <details className="mt-3">
                  <summary className="cursor-pointer text-brand-800 underline">Change roles</summary>
                  <Form method="post" className="mt-2 flex flex-wrap items-end gap-3">
                    <input type="hidden" name="userId" value={account.id} />
                    <RoleAndSection idPrefix={`role-${account.id}`} sections={loaderData.sections} errors={{}} />
                    <SubmitButton name="intent" value="grant-role" disabled={busy}>Give role</SubmitButton>
                    <SubmitButton name="intent" value="revoke-role" disabled={busy}>Take role away</SubmitButton>
                  </Form>
                </details>
              ) : null}
            </li>
          ))}
        </ul>
        {loaderData.nextAfter ? (
          <p>
            <a className="text-brand-800 underline" href={`?${new URLSearchParams({ after: loaderData.nextAfter })}`}>Next page</a>
          </p>
        ) : null}
      </section>

      {can(grants, 'session.revoke.all') ? (
        <section aria-labelledby="everyone-heading" className="max-w-xl space-y-3">
          <h2 id="everyone-heading" className="text-2xl font-semibold">Sign out everyone</h2>
          <p>For emergencies, such as a stolen laptop: ends every session but yours. Everyone must sign in again.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="revoke-everyone" />
            <label className="mb-3 flex items-center gap-2">
              <input type="checkbox" name="confirm" required /> I understand everyone will be signed out
            </label>
            <SubmitButton disabled={busy}>Sign out everyone</SubmitButton>
          </Form>
        </section>
      ) : null}
    </div>
  )
}

function InviteForm({
  lastResult,
  sections,
  busy,
}: {
  lastResult: SubmissionResult<string[]> | undefined
  sections: { id: string; name: string }[]
  busy: boolean
}) {
  const [form, fields] = useSchemaForm('invite', InviteMemberSchema, lastResult)
  return (
    <>
      {form.errors?.length ? <FormAlert>{form.errors.join(' ')}</FormAlert> : null}
      <Form method="post" {...getFormProps(form)} className="space-y-4">
        <input type="hidden" name="intent" value="invite" />
        <Field label="Name" errors={fields.displayName.errors} inputProps={{ ...getInputProps(fields.displayName, { type: 'text' }), autoComplete: 'off' }} />
        <Field label="Email address" errors={fields.email.errors} inputProps={{ ...getInputProps(fields.email, { type: 'email' }), autoComplete: 'off' }} />
        <RoleAndSection
          idPrefix="invite"
          sections={sections}
          errors={{ role: fields.role.errors, sectionId: fields.sectionId.errors }}
          initial={{ role: fields.role.initialValue, sectionId: fields.sectionId.initialValue }}
        />
        <SubmitButton disabled={busy}>Send invitation</SubmitButton>
      </Form>
    </>
  )
}

function AccountAction({ intent, userId, label, text, extra = {} }: { intent: string; userId: string; label: string; text: string; extra?: Record<string, string> }) {
  return (
    <Form method="post">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="userId" value={userId} />
      {Object.entries(extra).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <button type="submit" className="rounded border border-stone-400 px-3 py-1 text-sm hover:bg-stone-100">
        {text}
        <span className="sr-only">: {label}</span>
      </button>
    </Form>
  )
}

function RoleAndSection({
  idPrefix,
  sections,
  errors,
  initial = {},
}: {
  idPrefix: string
  sections: { id: string; name: string }[]
  errors: { role?: string[]; sectionId?: string[] }
  /** What was chosen before a refused submission, so it is not lost. */
  initial?: { role?: unknown; sectionId?: unknown }
}) {
  return (
    <>
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}-role`} className="block font-medium">Role</label>
        <select
          id={`${idPrefix}-role`}
          name="role"
          defaultValue={typeof initial.role === 'string' ? initial.role : 'musician'}
          aria-invalid={errors.role ? true : undefined}
          aria-describedby={errors.role ? `${idPrefix}-role-error` : undefined}
          className="block rounded border border-stone-400 bg-white px-3 py-2"
        >
          {[...ROLES].reverse().map(({ name: value, label }) => (
            <option key={value} value={value}>{label}</option>
          ))}
        </select>
        {errors.role ? <p id={`${idPrefix}-role-error`} className="text-sm text-red-800">{errors.role.join(' ')}</p> : null}
      </div>
      <div className="space-y-1">
        <label htmlFor={`${idPrefix}-section`} className="block font-medium">Section (for section leaders)</label>
        <select
          id={`${idPrefix}-section`}
          name="sectionId"
          defaultValue={typeof initial.sectionId === 'string' ? initial.sectionId : ''}
          aria-invalid={errors.sectionId ? true : undefined}
          aria-describedby={errors.sectionId ? `${idPrefix}-section-error` : undefined}
          className="block rounded border border-stone-400 bg-white px-3 py-2"
        >
          <option value="">No section</option>
          {sections.map((section) => (
            <option key={section.id} value={section.id}>{section.name}</option>
          ))}
        </select>
        {errors.sectionId ? <p id={`${idPrefix}-section-error`} className="text-sm text-red-800">{errors.sectionId.join(' ')}</p> : null}
      </div>
    </>
  )
}
