import type { Kysely } from 'kysely'
import { z } from 'zod'
import type { Database } from '#db/types.ts'
import { isKnownTimeZone } from '#app/modules/site/dates.ts'
import { getSettings } from './queries.server.ts'

/** The band's name and public details, with defaults for a brand-new install. */
const BandProfileSchema = z.object({
  'band.name': z.string().min(1).catch('Community Band'),
  'band.tagline': z.string().catch(''),
  'band.timezone': z.string().refine(isKnownTimeZone).catch('UTC'),
  'band.contact_email': z.string().email().nullable().catch(null),
})

export type BandProfile = { name: string; tagline: string; timeZone: string; contactEmail: string | null }

export async function getBandProfile(db: Kysely<Database>): Promise<BandProfile> {
  const stored = await getSettings(db, Object.keys(BandProfileSchema.shape))
  const profile = BandProfileSchema.parse(Object.fromEntries(Object.keys(BandProfileSchema.shape).map((key) => [key, stored.get(key)])))
  return {
    name: profile['band.name'],
    tagline: profile['band.tagline'],
    timeZone: profile['band.timezone'],
    contactEmail: profile['band.contact_email'],
  }
}
