import { describe, expect, it, onTestFinished } from 'vitest'
import { runCommand } from '#server/cli.ts'
import { createTestDatabase } from '#tests/setup/database.ts'
import { createFirstAdmin } from '#app/modules/identity/first-admin.server.ts'
import { hashToken } from '#app/modules/identity/sessions.server.ts'

// The key that signs this file's audit rows (a runtime derives its own).
const chainKey = 'first-admin-test-chain-key-0123456789abcdef'

/** Each test gets its own migrated database, so none depends on what another left behind. */
async function freshDatabase() {
  const database = await createTestDatabase()
  onTestFinished(() => database.drop())
  return database
}

describe('the first super admin (admin:create)', () => {
  it('creates the account with a one-time link to choose the password, and an audit row', async () => {
    const database = await freshDatabase()
    const result = await createFirstAdmin(database.db, { email: 'chair@band.example', displayName: 'Chris Chair', siteOrigin: 'https://band.example', chainKey })
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const token = new URL(result.link).searchParams.get('token') ?? ''
    expect(result.link.startsWith('https://band.example/reset-password?token=')).toBe(true)

    const user = await database.db.selectFrom('users').select(['id', 'display_name']).where('email', '=', 'chair@band.example').executeTakeFirstOrThrow()
    expect(user.display_name).toBe('Chris Chair')
    const roles = await database.db.selectFrom('user_roles').select(['role_name', 'section_id']).where('user_id', '=', user.id).execute()
    expect(roles).toEqual([{ role_name: 'super_admin', section_id: null }])
    // No password yet: only the link, stored as a hash, valid about a day.
    expect(await database.db.selectFrom('password_credentials').select('user_id').where('user_id', '=', user.id).execute()).toEqual([])
    const reset = await database.db.selectFrom('password_resets').select(['token_hash', 'expires_at']).where('user_id', '=', user.id).executeTakeFirstOrThrow()
    expect(reset.token_hash).toBe(hashToken(token))
    expect(reset.expires_at.getTime() - Date.now()).toBeGreaterThan(23 * 60 * 60 * 1000)
    const audit = await database.db.selectFrom('audit_log').select(['action', 'actor_name', 'changes']).where('entity_id', '=', user.id).execute()
    expect(audit).toHaveLength(1)
    expect(audit[0]).toMatchObject({ action: 'auth.admin.created', actor_name: 'Command line' })
    expect(JSON.stringify(audit[0]?.changes)).not.toContain(token)
  })

  it('refuses when a super admin already exists, and only then', async () => {
    const database = await freshDatabase()
    const input = (email: string) => ({ email, displayName: email.split('@')[0] ?? email, siteOrigin: 'https://band.example', chainKey })
    // A band admin is not a super admin: the first super admin can still be made…
    const admin = await database.db.insertInto('users').values({ email: 'admin@band.example', display_name: 'Ada Admin' }).returning('id').executeTakeFirstOrThrow()
    await database.db.insertInto('user_roles').values({ user_id: admin.id, role_name: 'admin' }).execute()
    expect(await createFirstAdmin(database.db, input('chair@band.example'))).toMatchObject({ ok: true })

    // …and once there is one, the command refuses and creates no one.
    const again = await createFirstAdmin(database.db, input('second@band.example'))
    expect(again).toEqual({ ok: false, message: expect.stringContaining('A super admin already exists') })
    expect(await database.db.selectFrom('users').select('id').where('email', '=', 'second@band.example').execute()).toEqual([])
  })

  it('explains its usage when the email is missing or malformed', async () => {
    await expect(runCommand(['admin:create'], {})).rejects.toThrow(/Usage: admin:create --email/)
    await expect(runCommand(['admin:create', '--email', 'not-an-email'], {})).rejects.toThrow(/Usage: admin:create --email/)
  })
})
