import type { DirectoryEntry } from '#app/modules/members/directory.server.ts'

const telHref = (phone: string) => `tel:${phone.replace(/[^\d+]/g, '')}`

/** One member of the directory, with what the viewer may see of them. */
export function DirectoryCard({ entry }: { entry: DirectoryEntry }) {
  const shownName = entry.preferredName ? `${entry.preferredName} (${entry.name})` : entry.name
  return (
    <li className="space-y-2 rounded-lg border border-stone-200 bg-white p-4">
      <p>
        <span className="text-lg font-semibold">{shownName}</span>
        {entry.pronouns ? <span className="text-stone-700"> · {entry.pronouns}</span> : null}
      </p>
      <p className="text-stone-700">
        {entry.instrument ?? 'No instrument recorded'}
        {entry.chair ? ` · chair ${entry.chair}` : ''}
      </p>
      {!entry.listed ? <p className="text-sm text-stone-600">Not listed in the directory; shown to you as their section leader.</p> : null}
      {entry.email || entry.phone ? (
        <ul className="flex flex-col">
          {entry.email ? (
            <li>
              <a href={`mailto:${entry.email}`} className="inline-flex min-h-11 items-center break-all text-brand-800 underline">{entry.email}</a>
            </li>
          ) : null}
          {entry.phone ? (
            <li>
              <a href={telHref(entry.phone)} className="inline-flex min-h-11 items-center text-brand-800 underline">{entry.phone}</a>
            </li>
          ) : null}
        </ul>
      ) : null}
      {entry.emergency?.ok && entry.emergency.contacts.length === 0 ? (
        <p className="text-sm text-stone-600">No emergency contacts given.</p>
      ) : entry.emergency ? (
        <div className="rounded border border-amber-300 bg-amber-50 p-3 text-sm">
          <p className="font-semibold text-amber-950">Emergency contacts</p>
          {entry.emergency.ok ? (
            <ul>
              {entry.emergency.contacts.map((contact, index) => (
                <li key={index}>
                  {contact.name}
                  {contact.relationship ? ` (${contact.relationship})` : ''}:{' '}
                  <a href={telHref(contact.phone)} className="inline-flex min-h-11 items-center text-brand-800 underline">{contact.phone}</a>
                </li>
              ))}
            </ul>
          ) : (
            <p>These could not be read (the site’s key has changed); ask {entry.preferredName ?? entry.name.split(' ')[0]} to enter them again.</p>
          )}
        </div>
      ) : null}
    </li>
  )
}
