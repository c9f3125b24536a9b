import type { Migration } from 'kysely/migration'
import * as m0001 from './0001_settings.ts'
import * as m0002 from './0002_members.ts'
import * as m0003 from './0003_library.ts'
import * as m0004 from './0004_events.ts'
import * as m0005 from './0005_content.ts'
import * as m0006 from './0006_identity.ts'
import * as m0007 from './0007_audit_log.ts'
import * as m0008 from './0008_email_outbox.ts'
import * as m0009 from './0009_jobs.ts'
import * as m0010 from './0010_outbox_queue.ts'
import * as m0011 from './0011_sign_in_challenges.ts'
import * as m0012 from './0012_audit_keyed_chain.ts'
import * as m0013 from './0013_outbox_sealed_body.ts'
import * as m0014 from './0014_session_lifetimes.ts'
import * as m0015 from './0015_email_changes.ts'
import * as m0016 from './0016_members_and_events.ts'
import * as m0017 from './0017_authoring_set_list_positions.ts'
import * as m0018 from './0018_music_library.ts'
import * as m0019 from './0019_library_search_postings.ts'
import * as m0020 from './0020_library_genre_browse.ts'

/**
 * Every migration, in order. A static list (not a folder scan) so the server
 * bundle carries them. Never edit a migration after it has landed on main:
 * add a new one.
 */
export const migrations: Record<string, Migration> = {
  '0001_settings': m0001,
  '0002_members': m0002,
  '0003_library': m0003,
  '0004_events': m0004,
  '0005_content': m0005,
  '0006_identity': m0006,
  '0007_audit_log': m0007,
  '0008_email_outbox': m0008,
  '0009_jobs': m0009,
  '0010_outbox_queue': m0010,
  '0011_sign_in_challenges': m0011,
  '0012_audit_keyed_chain': m0012,
  '0013_outbox_sealed_body': m0013,
  '0014_session_lifetimes': m0014,
  '0015_email_changes': m0015,
  '0016_members_and_events': m0016,
  '0017_authoring_set_list_positions': m0017,
  '0018_music_library': m0018,
  '0019_library_search_postings': m0019,
  '0020_library_genre_browse': m0020,
}
