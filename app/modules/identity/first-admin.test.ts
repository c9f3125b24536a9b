import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCommand } from '#server/cli.ts'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { createFirstAdmin } from './first-admin.server.ts'
import { hashToken } from './sessions.server.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

describe('the first super admin (admin:create)', () => {
  it('creates the account with a one-time link to choose the password, and an audit row', async () => {
    const result = await createFirstAdmin(database.db, { email: 'chair@band.example', displayName: 'Chris Chair', siteOrigin: 'https://band.example' })
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

  it('refuses when a super admin already exists', async () => {
    const again = await createFirstAdmin(database.db, { email: 'second@band.example', displayName: 'Second', siteOrigin: 'https://band.example' })
    expect(again).toEqual({ ok: false, message: expect.stringContaining('A super admin already exists') })
    expect(await database.db.selectFrom('users').select('id').where('email', '=', 'second@band.example').execute()).toEqual([])
  })

  it('explains its usage when the email is missing or malformed', async () => {
    await expect(runCommand(['admin:create'], {})).rejects.toThrow(/Usage: admin:create --email/)
    await expect(runCommand(['admin:create', '--email', 'not-an-email'], {})).rejects.toThrow(/Usage: admin:create --email/)
  })
})
