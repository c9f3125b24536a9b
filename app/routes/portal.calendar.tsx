import { parseWithZod } from '@conform-to/zod/v4'
import { data, Form, href, Link } from 'react-router'
import { FormAlert } from '#app/components/forms.tsx'
import { getMemberFeed, issueMemberFeed, revokeMemberFeed } from '#app/modules/events/calendar-feed.server.ts'
import { CalendarFeedFormsSchema, CalendarStepSchema } from '#app/modules/events/calendar-schema.ts'
import { auditContextOf, requirePermission } from '#app/modules/identity/auth.server.ts'
import { bandProfile } from '#app/modules/site/site-frame.server.ts'
import { formatTimestamp } from '#app/modules/site/dates.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { redirectWithToast } from '#app/platform/toast.server.ts'
import type { Route } from './+types/portal.calendar'

export const meta: Route.MetaFunction = () => [{ title: 'Calendar' }]

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'event.view')
  const runtime = args.context.get(runtimeContext)
  const { db, config, sessionSecret } = runtime
  const step = CalendarStepSchema.parse(new URL(args.request.url).searchParams.get('step') ?? undefined)
  const concertsUrl = `${config.siteUrl}${href('/concerts.ics')}`
  if (!user.memberId) return { linked: false as const, concertsUrl }
  const [feed, band] = await Promise.all([getMemberFeed(db, user.memberId, sessionSecret), bandProfile(runtime)])
  if (!feed) return { linked: true as const, feed: null, step: undefined, concertsUrl }
  return {
    linked: true as const,
    concertsUrl,
    step,
    feed: {
      url: feed.path ? `${config.siteUrl}${feed.path}` : null,
      created: formatTimestamp(feed.createdAt, band.timeZone),
      lastRead: feed.lastFetchedAt ? formatTimestamp(feed.lastFetchedAt, band.timeZone) : null,
    },
  }
}

export async function action(args: Route.ActionArgs) {
  const user = requirePermission(args, 'event.view')
  const runtime = args.context.get(runtimeContext)
  const submission = parseWithZod(await args.request.formData(), { schema: CalendarFeedFormsSchema })
  if (submission.status !== 'success') return data({ result: submission.reply() }, { status: 400 })
  // The member is the signed-in user's own: no id comes from the form.
  if (!user.memberId) {
    return data({ result: submission.reply({ formErrors: ['Your account is not linked to a member of the band.'] }) }, { status: 400 })
  }
  const audit = auditContextOf(args, user)
  const here = href('/portal/calendar')
  const { intent } = submission.value
  if (intent === 'turn-off') {
    const removed = await revokeMemberFeed(runtime.db, { memberId: user.memberId, audit })
    return redirectWithToast(runtime, here, removed ? 'Your calendar link is turned off. Calendar apps can no longer read it.' : 'Your calendar link was already off.')
  }
  const issued = await issueMemberFeed(runtime.db, { memberId: user.memberId, sessionSecret: runtime.sessionSecret, audit, replace: intent === 'regenerate' })
  const message = intent === 'regenerate' ? 'Your new calendar link is ready. The old one no longer works.' : issued ? 'Your calendar link is ready.' : 'You already have a calendar link.'
  return redirectWithToast(runtime, here, message)
}

const button = 'inline-flex min-h-11 items-center justify-center rounded px-4 py-2 font-semibold'
const primary = `${button} bg-brand-800 text-white hover:bg-brand-900`
const secondary = `${button} border border-stone-400 bg-white text-stone-900 hover:bg-stone-100`
const danger = `${button} bg-red-800 text-white hover:bg-red-900`

export default function CalendarPage({ loaderData, actionData }: Route.ComponentProps) {
  const problems = Object.values(actionData?.result.error ?? {}).flatMap((messages) => messages ?? [])
  return (
    <div className="max-w-3xl space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Calendar</h1>
        <p className="text-stone-700">
          Your rehearsals, sectionals and concerts in your phone’s or computer’s calendar, with your answers. It updates by itself when the
          schedule changes.
        </p>
      </header>
      {problems.length ? <FormAlert>{problems.join(' ')}</FormAlert> : null}

      {!loaderData.linked ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          Your account is not linked to a member of the band, so there is no schedule of your own to show. Ask the band’s admin to link it.
        </p>
      ) : loaderData.feed === null ? (
        <section aria-labelledby="create-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
          <h2 id="create-heading" className="text-xl font-semibold">
            Your calendar link
          </h2>
          <p>You have no calendar link yet. Create one, then add it to your calendar app as a subscription.</p>
          <Form method="post">
            <input type="hidden" name="intent" value="create" />
            <button type="submit" className={primary}>
              Create my calendar link
            </button>
          </Form>
        </section>
      ) : (
        <>
          <section aria-labelledby="link-heading" className="space-y-4 rounded-lg border border-stone-200 bg-white p-5 shadow-sm sm:p-6">
            <h2 id="link-heading" className="text-xl font-semibold">
              Your calendar link
            </h2>
            {loaderData.feed.url ? (
              <>
                <div className="space-y-1">
                  <label htmlFor="calendar-url" className="block font-medium">
                    Address to subscribe to
                  </label>
                  <p id="calendar-url-hint" className="text-sm text-stone-700">
                    Select it and copy it into your calendar app (“Subscribe to calendar”, “From URL” or “Add by URL”).
                  </p>
                  {/* A read-only text area, not an input: the whole address wraps into view on a narrow phone. */}
                  <textarea
                    id="calendar-url"
                    readOnly
                    rows={3}
                    value={loaderData.feed.url}
                    aria-describedby="calendar-url-hint"
                    className="block w-full resize-none break-all rounded border border-stone-400 bg-stone-50 px-3 py-2 font-mono text-sm sm:h-auto"
                  />
                </div>
                <p className="flex flex-wrap gap-3">
                  <a className={primary} href={loaderData.feed.url.replace(/^https?:/, 'webcal:')}>
                    Open in my calendar app
                  </a>
                </p>
                <p className="text-sm text-stone-700">
                  Anyone with this address can see your schedule and your answers: keep it to yourself. Made {loaderData.feed.created};{' '}
                  {loaderData.feed.lastRead ? `last read by a calendar app ${loaderData.feed.lastRead}.` : 'not read by a calendar app yet.'}
                </p>
              </>
            ) : (
              <FormAlert tone="info">This link can no longer be shown (the site’s secret key has changed). Make a new link to see one.</FormAlert>
            )}
            {loaderData.step === undefined ? (
              <p className="flex flex-wrap gap-3">
                <Link className={secondary} to={`${href('/portal/calendar')}?step=new#confirm`}>
                  Make a new link
                </Link>
                <Link className={secondary} to={`${href('/portal/calendar')}?step=off#confirm`}>
                  Turn off
                </Link>
              </p>
            ) : null}
          </section>

          {loaderData.step === 'new' ? (
            <ConfirmStep
              heading="Make a new link?"
              text="The old address stops working at once: calendars subscribed to it stop updating, and you add the new one instead. Do this if the link was shared by mistake."
              intent="regenerate"
              label="Make a new link"
            />
          ) : loaderData.step === 'off' ? (
            <ConfirmStep
              heading="Turn off your calendar link?"
              text="The address stops working at once and calendars subscribed to it stop updating. You can create a new link later."
              intent="turn-off"
              label="Turn off my calendar link"
            />
          ) : null}
        </>
      )}

      <section aria-labelledby="public-heading" className="space-y-2">
        <h2 id="public-heading" className="text-xl font-semibold">
          Public concerts
        </h2>
        <p className="text-stone-700">
          Friends and family can subscribe to the band’s public concerts:{' '}
          <a className="break-all text-brand-800 underline" href={loaderData.concertsUrl}>
            {loaderData.concertsUrl}
          </a>
        </p>
        <p>
          <Link className="inline-flex min-h-11 items-center text-brand-800 underline" to={href('/portal/events')}>
            See the whole schedule
          </Link>
        </p>
      </section>
    </div>
  )
}

function ConfirmStep({ heading, text, intent, label }: { heading: string; text: string; intent: 'regenerate' | 'turn-off'; label: string }) {
  return (
    // The step's own anchor (#confirm), so a phone scrolls to it without JavaScript.
    <section id="confirm" aria-labelledby="confirm-heading" className="space-y-3 rounded-lg border border-red-300 bg-red-50 p-5 sm:p-6">
      <h2 id="confirm-heading" className="text-xl font-semibold text-red-950">
        {heading}
      </h2>
      <p className="text-red-950">{text}</p>
      <Form method="post" className="flex flex-wrap gap-3">
        <input type="hidden" name="intent" value={intent} />
        <input type="hidden" name="confirmed" value="yes" />
        <button type="submit" className={danger}>
          {label}
        </button>
        <Link className={secondary} to={href('/portal/calendar')}>
          Keep my link
        </Link>
      </Form>
    </section>
  )
}
