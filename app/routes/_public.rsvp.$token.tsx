import { data, Form, href, Link } from 'react-router'
import { SubmitButton } from '#app/components/forms.tsx'
import { checkRsvpLink, rsvpLinkLimiter } from '#app/modules/events/rsvp-link-page.server.ts'
import { ANSWER_LABELS } from '#app/modules/events/rsvp-schema.ts'
import { answerRsvp } from '#app/modules/events/rsvp.server.ts'
import { auditContextFor } from '#app/modules/identity/auth.server.ts'
import { tooManyAttempts } from '#app/modules/identity/throttled-response.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatEventDate } from '#app/modules/site/dates.ts'
import { requestInfoContext, runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/_public.rsvp.$token'

/**
 * A one-tap RSVP link from an e-mail, for a member who is not signed in: the
 * GET only asks ("Answer Going for Rehearsal, Tuesday 3 March?"), the POST
 * records the answer. Mail scanners that open every link change nothing.
 */

export const meta: Route.MetaFunction = () => [{ title: 'Your answer' }, { name: 'robots', content: 'noindex' }]

export { retryAfterHeaders as headers } from '#app/modules/identity/throttled-response.ts'

export async function loader(args: Route.LoaderArgs) {
  const runtime = args.context.get(runtimeContext)
  const band = await bandProfile(runtime)
  const check = await checkRsvpLink(runtime, args.params.token, band.timeZone)
  if (!check.ok) return data({ state: 'refused' as const, message: check.message }, { status: check.status })
  const { claims, target } = check
  return {
    state: 'ask' as const,
    firstName: target.firstName,
    answer: ANSWER_LABELS[claims.answer],
    eventTitle: target.title,
    when: formatEventDate(target.startsAt, band.timeZone),
    current: target.answer ? ANSWER_LABELS[target.answer] : null,
  }
}

export async function action(args: Route.ActionArgs) {
  const runtime = args.context.get(runtimeContext)
  // Like the other doors open without signing in: a few tries a minute per address.
  const limiter = rsvpLinkLimiter(runtime.rateLimits)
  try {
    await limiter.consume(args.context.get(requestInfoContext).clientIp || 'unknown')
  } catch (rejection) {
    const seconds = Math.max(1, Math.ceil(((rejection as { msBeforeNext?: number }).msBeforeNext ?? 60_000) / 1000))
    return data({ state: 'refused' as const, message: tooManyAttempts(seconds) }, { status: 429, headers: { 'Retry-After': String(seconds) } })
  }
  const band = await bandProfile(runtime)
  const check = await checkRsvpLink(runtime, args.params.token, band.timeZone)
  if (!check.ok) return data({ state: 'refused' as const, message: check.message }, { status: check.status })
  const outcome = await answerRsvp(runtime.db, {
    memberId: check.claims.memberId,
    eventId: check.claims.eventId,
    answer: check.claims.answer,
    via: 'link',
    timeZone: band.timeZone,
    audit: auditContextFor(args, { id: check.userId, name: `${check.target.firstName} (e-mail link)` }),
  })
  if (outcome.kind === 'refused') return data({ state: 'refused' as const, message: outcome.message }, { status: 410 })
  return {
    state: 'saved' as const,
    answer: ANSWER_LABELS[outcome.answer],
    eventTitle: outcome.eventTitle,
    when: formatEventDate(outcome.startsAt, band.timeZone),
    eventId: check.claims.eventId,
  }
}

export default function RsvpLinkPage({ loaderData, actionData }: Route.ComponentProps) {
  const page = actionData ?? loaderData
  return (
    <section aria-labelledby="rsvp-title" className="mx-auto max-w-md space-y-4">
      {page.state === 'refused' ? (
        <>
          <h1 id="rsvp-title" className="text-2xl font-bold sm:text-3xl">
            This link does not work
          </h1>
          <p role="alert">{page.message}</p>
          <p>
            <Link className="text-brand-800 underline" to={href('/login')}>
              Sign in
            </Link>{' '}
            to see your events and answer there.
          </p>
        </>
      ) : page.state === 'saved' ? (
        <>
          <h1 id="rsvp-title" className="text-2xl font-bold sm:text-3xl">
            Thank you
          </h1>
          <p role="status" className="rounded border border-green-300 bg-green-50 px-4 py-3 text-green-900">
            Your answer is saved: <strong>{page.answer}</strong> for {page.eventTitle}, {page.when}.
          </p>
          <p>
            To change it or add a note,{' '}
            <Link className="text-brand-800 underline" to={`${href('/login')}?${new URLSearchParams({ redirectTo: href('/portal/events/:eventId', { eventId: page.eventId }) })}`}>
              sign in
            </Link>
            .
          </p>
        </>
      ) : (
        <>
          <h1 id="rsvp-title" className="text-2xl font-bold sm:text-3xl">
            {`Answer ${page.answer} for ${page.eventTitle}, ${page.when}?`}
          </h1>
          <p>{`Hello ${page.firstName}. Nothing is saved until you press the button.`}</p>
          {page.current ? <p>Your answer now: {page.current}.</p> : null}
          <Form method="post">
            <SubmitButton>Yes, answer {page.answer}</SubmitButton>
          </Form>
          <p className="text-sm text-stone-700">
            Not you, or want to add a note?{' '}
            <Link className="text-brand-800 underline" to={href('/login')}>
              Sign in
            </Link>{' '}
            instead.
          </p>
        </>
      )}
    </section>
  )
}
