import { href, Link } from 'react-router'
import type { OwnProfile } from '#app/modules/members/profile.server.ts'
import { formatPublishedDate } from '#app/modules/site/dates.ts'

const STATUS_LABELS: Record<OwnProfile['status'], string> = {
  active: 'Active',
  on_leave: 'On leave',
  inactive: 'Inactive',
  alumni: 'Alumni',
}

/** What the band keeps about the member and only the band changes: shown, not editable. */
export function BandRecord({ profile }: { profile: Pick<OwnProfile, 'firstName' | 'lastName' | 'status' | 'joinedOn' | 'instruments'> }) {
  return (
    <section aria-labelledby="band-record-heading" className="space-y-3">
      <h2 id="band-record-heading" className="text-xl font-semibold">In the band</h2>
      <dl className="grid gap-x-6 gap-y-2 rounded-lg border border-stone-200 bg-white p-5 sm:grid-cols-[auto_1fr]">
        <dt className="font-semibold">Name</dt>
        <dd>{profile.firstName} {profile.lastName}</dd>
        <dt className="font-semibold">Plays</dt>
        <dd>
          {profile.instruments.length === 0 ? (
            'No instrument recorded yet.'
          ) : (
            <ul className="space-y-1">
              {profile.instruments.map((instrument) => (
                <li key={instrument.name}>
                  <span className="font-medium">{instrument.name}</span>
                  <span className="text-stone-700">
                    {' '}· {instrument.isPrimary ? 'main instrument' : 'also plays'}
                    {instrument.section ? ` · ${instrument.section}` : ''}
                    {instrument.chair ? ` · chair ${instrument.chair}` : ''}
                  </span>
                </li>
              ))}
            </ul>
          )}
        </dd>
        <dt className="font-semibold">Status</dt>
        <dd>{STATUS_LABELS[profile.status]}</dd>
        <dt className="font-semibold">Joined</dt>
        <dd>{profile.joinedOn ? formatPublishedDate(new Date(`${profile.joinedOn}T12:00:00Z`), 'UTC') : 'Not recorded'}</dd>
      </dl>
      <p className="text-sm text-stone-700">Something here wrong? Tell the director or an administrator; they keep the roster.</p>
    </section>
  )
}

/** An account that is not one of the band's members (e.g. an administrator's). */
export function NoMemberRecord() {
  return (
    <section aria-labelledby="no-member-heading" className="space-y-3 rounded-lg border border-stone-200 bg-white p-5">
      <h2 id="no-member-heading" className="text-xl font-semibold">No member profile for this account</h2>
      <p>
        Your account is not linked to a member of the band, so there is no profile, instrument or emergency contact to show here. This is usual
        for administrators who do not play in the band.
      </p>
      <p>
        If you do play, ask an administrator to link your account to your entry on the roster. Until then you can still use{' '}
        <Link to={href('/settings/security')} className="text-brand-800 underline">Sign-in and security</Link>.
      </p>
    </section>
  )
}

