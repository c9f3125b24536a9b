import { Form, href, Link } from 'react-router'
import { requirePermission } from '#app/modules/identity/auth.server.ts'
import { decodeCursor, encodeCursor, listDirectory } from '#app/modules/members/directory.server.ts'
import { ledSections } from '#app/modules/members/directory-visibility.ts'
import { can } from '#app/modules/identity/permissions.ts'
import { runtimeContext } from '#app/platform/context.ts'
import type { Route } from './+types/route'
import { DirectoryCard } from './directory-card.tsx'

export const meta: Route.MetaFunction = () => [{ title: 'Member directory' }]

const PAGE_SIZE = 100

export async function loader(args: Route.LoaderArgs) {
  const user = requirePermission(args, 'directory.view')
  const runtime = args.context.get(runtimeContext)
  const params = new URL(args.request.url).searchParams
  const search = (params.get('q') ?? '').trim().slice(0, 80)
  const page = await listDirectory(runtime.db, {
    grants: user.grants,
    keys: runtime.memberDataKeys,
    search: search || undefined,
    after: decodeCursor(params.get('after')),
    limit: PAGE_SIZE,
  })
  const led = new Set(ledSections(user.grants))
  return {
    search,
    sections: page.sections.map((section) => ({ ...section, led: section.id !== null && led.has(section.id) })),
    next: page.next ? `?${new URLSearchParams({ ...(search ? { q: search } : {}), after: encodeCursor(page.next) })}` : null,
    seesAllContacts: can(user.grants, 'member.view.all'),
    paged: params.has('after'),
  }
}

export default function Directory({ loaderData }: Route.ComponentProps) {
  const { sections, search, seesAllContacts } = loaderData
  const ledNames = sections.filter((section) => section.led).map((section) => section.name)
  return (
    <div className="space-y-6">
      <header className="space-y-2">
        <h1 className="text-3xl font-bold tracking-tight">Member directory</h1>
        <p className="max-w-3xl text-stone-700">
          The band’s active members by section. Each member chooses on{' '}
          <Link to={href('/portal/profile')} className="text-brand-800 underline">their profile</Link> whether they are listed and whether their
          e-mail and phone show here.
        </p>
      </header>

      <section aria-labelledby="who-sees-heading" className="max-w-3xl rounded-lg border border-brand-100 bg-brand-50 p-4 text-sm text-brand-900">
        <h2 id="who-sees-heading" className="font-semibold">Who sees more than this</h2>
        <p className="mt-1">
          A section leader sees the e-mail, phone and emergency contacts of their own section’s members, whatever they chose. The director and
          admins see everyone’s e-mail and phone, but emergency contacts only for a section they lead. Nobody else sees emergency contacts.
        </p>
        {ledNames.length > 0 ? (
          <p className="mt-2 font-semibold">You lead {ledNames.join(' and ')}: you see those members’ details and emergency contacts.</p>
        ) : seesAllContacts ? (
          <p className="mt-2 font-semibold">You see every listed member’s e-mail and phone.</p>
        ) : null}
      </section>

      <Form method="get" role="search" className="flex flex-wrap items-end gap-3 rounded-lg border border-stone-200 bg-white p-4">
        <div className="min-w-0 flex-1 space-y-1 sm:max-w-sm">
          <label htmlFor="directory-search" className="block text-sm font-medium">Search by name</label>
          <input
            id="directory-search"
            name="q"
            type="search"
            defaultValue={search}
            maxLength={80}
            autoComplete="off"
            className="block min-h-11 w-full rounded border border-stone-400 bg-white px-3 py-2 text-base"
          />
        </div>
        <button type="submit" className="min-h-11 rounded bg-brand-800 px-4 py-2 font-semibold text-white hover:bg-brand-900">Search</button>
        {search ? (
          <Link to={href('/portal/directory')} className="inline-flex min-h-11 items-center px-2 text-brand-800 underline">Show everyone</Link>
        ) : null}
      </Form>

      {sections.length === 0 ? (
        <p className="rounded-lg border border-dashed border-stone-300 bg-white p-6 text-stone-700">
          {search ? `Nobody listed matches “${search}”. Try part of a first name or surname.` : 'Nobody is listed in the directory yet.'}
        </p>
      ) : (
        <>
          {search ? <p role="status">Members matching “{search}”.</p> : null}
          <nav aria-label="Sections" className="rounded-lg border border-stone-200 bg-white p-3">
            <ul className="flex flex-wrap gap-2">
              {sections.map((section) => (
                <li key={section.slug}>
                  <a href={`#section-${section.slug}`} className="inline-flex min-h-11 items-center rounded border border-stone-300 px-3 text-sm font-medium text-brand-800 hover:bg-stone-100">
                    {section.name} <span className="ml-1.5 text-stone-600">({section.entries.length})</span>
                  </a>
                </li>
              ))}
            </ul>
          </nav>
          {sections.map((section) => (
            <section key={section.slug} aria-labelledby={`section-${section.slug}`} className="space-y-3">
              <h2 id={`section-${section.slug}`} className="scroll-mt-4 text-2xl font-semibold">
                {section.name}
                {section.led ? <span className="ml-2 align-middle rounded-full bg-brand-50 px-2.5 py-0.5 text-xs font-semibold text-brand-900">Your section</span> : null}
              </h2>
              <ul className="grid gap-3 sm:grid-cols-2 lg:grid-cols-3">
                {section.entries.map((entry) => (
                  <DirectoryCard key={entry.id} entry={entry} />
                ))}
              </ul>
            </section>
          ))}
        </>
      )}
      {loaderData.next ? (
        <p>
          <Link to={loaderData.next} className="inline-flex min-h-11 items-center text-brand-800 underline">More members</Link>
        </p>
      ) : null}
    </div>
  )
}
