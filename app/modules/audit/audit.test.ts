import { randomUUID } from 'node:crypto'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { at, auditRow, memberContext, TEST_CHAIN_KEY } from './audit-test-helpers.ts'
import {
  ensureAuditPartitions,
  GENESIS_HASH,
  recordAudit,
  systemContext,
  verifyAuditChain,
} from './audit.server.ts'
import { REDACTED } from './changes.ts'

const engine = process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
})
afterAll(() => database.drop())

const getRow = (id: number) => auditRow(database.db, id)

async function partitionOf(id: number): Promise<string> {
  const { rows } = await sql<{ partition: string }>`
    select tableoid::regclass::text as partition from audit_log where id = ${id}
  `.execute(database.db)
  return rows[0]?.partition ?? 'missing'
}

async function partitions(): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select inhrelid::regclass::text as name from pg_inherits
    where inhparent = 'audit_log'::regclass order by 1
  `.execute(database.db)
  return rows.map((row) => row.name)
}

function monthName(date: Date): string {
  return `audit_log_${date.toISOString().slice(0, 7).replace('-', '_')}`
}

describe(`audit log on ${engine}`, () => {
  describe('recordAudit', () => {
    it('writes one row with only the changed fields and copies the actor', async () => {
      const context = memberContext('Alex Conductor')
      const { id, hash } = await recordAudit(database.db, context, {
        action: 'piece.update',
        entity: ['piece', 'piece-1'],
        before: { title: 'Suite in F', composer: 'Holst', grade: 4, updatedAt: new Date('2026-01-02T03:04:05.678Z') },
        after: {
          title: 'Second Suite in F',
          composer: 'Holst',
          grade: 4,
          updatedAt: new Date('2026-02-03T04:05:06.789Z'),
          shelf: 'B2',
        },
      })

      const row = await getRow(id)
      expect(row).toMatchObject({
        actor_id: context.actor.id,
        actor_name: 'Alex Conductor',
        action: 'piece.update',
        entity_type: 'piece',
        entity_id: 'piece-1',
        ip: '203.0.113.7',
        user_agent: 'Test browser 1.0',
        request_id: context.requestId,
        hash,
      })
      expect(row.changes).toEqual({
        before: { title: 'Suite in F', updatedAt: '2026-01-02T03:04:05.678Z' },
        after: { title: 'Second Suite in F', updatedAt: '2026-02-03T04:05:06.789Z', shelf: 'B2' },
      })
      expect(row.occurred_at.getTime()).toBeGreaterThan(Date.now() - 60_000)
    })

    it('keeps the whole new row on a create, the whole old row on a delete, and the details', async () => {
      const created = await recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), {
        action: 'venue.create',
        entity: ['venue', 'v1'],
        after: { name: 'Town Hall', capacity: 300, notes: null },
      })
      const deleted = await recordAudit(database.db, systemContext('Nightly cleanup', TEST_CHAIN_KEY), {
        action: 'venue.delete',
        entity: ['venue', 'v1'],
        before: { name: 'Town Hall', capacity: 300 },
        after: null,
        details: { reason: 'duplicate' },
      })
      const failed = await recordAudit(database.db, systemContext('Anonymous visitor', TEST_CHAIN_KEY), {
        action: 'user.login_failed',
        entity: ['user', null],
        details: { email: 'someone@example.org', reason: 'wrong password' },
      })

      expect((await getRow(created.id)).changes).toEqual({ after: { name: 'Town Hall', capacity: 300, notes: null } })
      const deletedRow = await getRow(deleted.id)
      expect(deletedRow.changes).toEqual({ before: { name: 'Town Hall', capacity: 300 }, details: { reason: 'duplicate' } })
      expect(deletedRow).toMatchObject({ actor_id: null, actor_name: 'Nightly cleanup', ip: null, user_agent: null })
      expect(await getRow(failed.id)).toMatchObject({
        entity_id: null,
        actor_name: 'Anonymous visitor',
        changes: { details: { email: 'someone@example.org', reason: 'wrong password' } },
      })
    })

    it('never writes secrets, at any depth, and still shows that a secret changed', async () => {
      const { id } = await recordAudit(database.db, memberContext(), {
        action: 'user.create',
        entity: ['user', 'u1'],
        after: {
          email: 'new@example.org',
          passwordHash: '$argon2id$hunter2',
          totp_secret: 'JBSWY3DPEHPK3PXP',
          settings: { theme: 'dark', smtp: { password: 'hunter2', host: 'smtp.example.org' } },
          devices: [{ label: 'phone', refreshToken: 'tok-123' }],
          recovery_codes: ['aaaa-bbbb-cccc'],
        },
        details: { resetToken: 'tok-456', via: 'invite' },
      })
      const row = await getRow(id)
      expect(row.changes).toEqual({
        after: {
          email: 'new@example.org',
          passwordHash: REDACTED,
          totp_secret: REDACTED,
          settings: { theme: 'dark', smtp: { password: REDACTED, host: 'smtp.example.org' } },
          devices: [{ label: 'phone', refreshToken: REDACTED }],
          recovery_codes: REDACTED,
        },
        details: { resetToken: REDACTED, via: 'invite' },
      })
      const stored = JSON.stringify(row.changes)
      for (const secret of ['hunter2', 'JBSWY3DPEHPK3PXP', 'tok-123', 'tok-456', 'aaaa-bbbb-cccc']) {
        expect(stored).not.toContain(secret)
      }

      const changed = await recordAudit(database.db, memberContext(), {
        action: 'user.password_change',
        entity: ['user', 'u1'],
        before: { email: 'new@example.org', password_hash: 'old-hash' },
        after: { email: 'new@example.org', password_hash: 'new-hash' },
      })
      expect((await getRow(changed.id)).changes).toEqual({
        before: { password_hash: REDACTED },
        after: { password_hash: REDACTED },
      })
    })

    it('stores the actor id the way PostgreSQL prints it and refuses one that is not a uuid', async () => {
      const id = randomUUID()
      const written = await recordAudit(database.db, memberContext('Sam', id.toUpperCase()), {
        action: 'member.update',
        entity: ['member', 'm1'],
        before: { status: 'active' },
        after: { status: 'on leave' },
      })
      expect((await getRow(written.id)).actor_id).toBe(id)
      await expect(
        recordAudit(database.db, memberContext('Sam', 'not-a-uuid'), { action: 'member.update', entity: ['member', 'm1'] }),
      ).rejects.toThrow(/not a uuid/)
    })

    it('belongs to the caller’s transaction: a rollback takes the row with it, leaving only a gap in ids', async () => {
      const record = (action: string) => recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), { action, entity: ['test', null] })
      const first = await record('test.before_rollback')
      await expect(
        database.db.transaction().execute(async (trx) => {
          await recordAudit(trx, systemContext('System', TEST_CHAIN_KEY), { action: 'test.rolled_back', entity: ['test', null] })
          throw new Error('the mutation failed')
        }),
      ).rejects.toThrow('the mutation failed')
      const after = await record('test.after_rollback')

      const rolledBack = await database.db
        .selectFrom('audit_log')
        .select('id')
        .where('action', '=', 'test.rolled_back')
        .execute()
      expect(rolledBack).toEqual([])
      expect(after.id).toBeGreaterThan(first.id + 1)
      expect((await getRow(after.id)).prev_hash).toBe(first.hash)
    })

    it('refuses a repeatable read transaction, whose snapshot could fork the chain', async () => {
      await expect(
        database.db
          .transaction()
          .setIsolationLevel('repeatable read')
          .execute((trx) => recordAudit(trx, systemContext('System', TEST_CHAIN_KEY), { action: 'test.snapshot', entity: ['test', null] })),
      ).rejects.toThrow(/read committed/)
    })

    it('chains the rows: each prev_hash is the hash of the row before, the first one links to zeros', async () => {
      const written = []
      for (let index = 0; index < 3; index++) {
        const entry = { action: 'test.chain', entity: ['test', String(index)] as [string, string] }
        written.push(await recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), entry))
      }
      for (let index = 1; index < written.length; index++) {
        const row = await getRow(written[index]!.id)
        expect(row.prev_hash).toBe(written[index - 1]!.hash)
        expect(row.hash).toBe(written[index]!.hash)
      }
      const first = await database.db
        .selectFrom('audit_log')
        .select('prev_hash')
        .orderBy('id')
        .limit(1)
        .executeTakeFirstOrThrow()
      expect(first.prev_hash).toBe(GENESIS_HASH)
    })
  })

  describe('the database keeps it append-only', () => {
    it('refuses UPDATE, DELETE and TRUNCATE, on the table and on a partition', async () => {
      const { id } = await recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), { action: 'test.protected', entity: ['test', null] })
      const partition = await partitionOf(id)
      await expect(sql`update audit_log set actor_name = 'x' where id = ${id}`.execute(database.db)).rejects.toThrow(
        /append-only: UPDATE/,
      )
      await expect(database.db.deleteFrom('audit_log').where('id', '=', id).execute()).rejects.toThrow(/append-only: DELETE/)
      await expect(sql`truncate audit_log`.execute(database.db)).rejects.toThrow(/append-only: TRUNCATE/)
      await expect(
        sql`update ${sql.id(partition)} set actor_name = 'x' where id = ${id}`.execute(database.db),
      ).rejects.toThrow(/append-only: UPDATE/)
      await expect(sql`delete from ${sql.id(partition)} where id = ${id}`.execute(database.db)).rejects.toThrow(
        /append-only: DELETE/,
      )
      expect((await getRow(id)).action).toBe('test.protected')
    })
  })

  describe('partitions', () => {
    it('puts rows of different months in their own partitions, and a month without one in the default', async () => {
      const now = new Date()
      await ensureAuditPartitions(database.db, now, 1)
      const thisMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 15, 12))
      const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 15, 12))
      const longAgo = new Date('2001-06-15T12:00:00.000Z')

      const record = (time: Date) =>
        at(time, () => recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), { action: 'test.partition', entity: ['test', null] }))
      const inThisMonth = await record(thisMonth)
      const inNextMonth = await record(nextMonth)
      const inNoMonth = await record(longAgo)

      expect(await partitionOf(inThisMonth.id)).toBe(monthName(thisMonth))
      expect(await partitionOf(inNextMonth.id)).toBe(monthName(nextMonth))
      expect(await partitionOf(inNoMonth.id)).toBe('audit_log_default')
      expect((await getRow(inNoMonth.id)).occurred_at.toISOString()).toBe('2001-06-15T12:00:00.000Z')
    })

    it('ensureAuditPartitions creates the months ahead once and is safe to run again', async () => {
      const now = new Date('2031-01-20T08:00:00.000Z')
      const before = await partitions()
      expect(await ensureAuditPartitions(database.db, now, 2)).toEqual({ skipped: [] })
      const created = await partitions()
      expect(created.filter((name) => !before.includes(name))).toEqual([
        'audit_log_2031_01',
        'audit_log_2031_02',
        'audit_log_2031_03',
      ])
      expect(await ensureAuditPartitions(database.db, now, 2)).toEqual({ skipped: [] })
      expect(await partitions()).toEqual(created)

      const { id } = await at(new Date('2031-02-28T23:59:59.999Z'), () =>
        recordAudit(database.db, systemContext('System', TEST_CHAIN_KEY), { action: 'test.partition', entity: ['test', null] }),
      )
      expect(await partitionOf(id)).toBe('audit_log_2031_02')
    })

    it('skips a month whose rows already sit in the default partition instead of failing', async () => {
      const before = await partitions()
      expect(await ensureAuditPartitions(database.db, new Date('2001-05-10T00:00:00.000Z'), 2)).toEqual({
        skipped: ['2001-06'],
      })
      const added = (await partitions()).filter((name) => !before.includes(name))
      expect(added).toEqual(['audit_log_2001_05', 'audit_log_2001_07'])
    })

    it('refuses to run inside a transaction', async () => {
      await expect(database.db.transaction().execute((trx) => ensureAuditPartitions(trx))).rejects.toThrow(
        /outside a transaction/,
      )
    })
  })

  describe('concurrent writers', () => {
    it('30 transactions at once still leave one unbroken chain', async () => {
      const results = await Promise.all(
        Array.from({ length: 30 }, (_, index) =>
          database.db.transaction().execute(async (trx) => {
            // Some work before the audit row, as a real mutation would do.
            await sql`select pg_sleep(${(index % 3) / 1000})`.execute(trx)
            return recordAudit(trx, memberContext(`Writer ${index}`), {
              action: 'test.concurrent',
              entity: ['test', String(index)],
              after: { index },
            })
          }),
        ),
      )
      expect(new Set(results.map((result) => result.id)).size).toBe(30)

      const rows = await database.db
        .selectFrom('audit_log')
        .select(['id', 'prev_hash', 'hash'])
        .where('action', '=', 'test.concurrent')
        .orderBy('id')
        .execute()
      expect(rows).toHaveLength(30)
      for (let index = 1; index < rows.length; index++) {
        // Nothing else writes meanwhile, so the 30 rows follow each other.
        expect(rows[index]!.prev_hash).toBe(rows[index - 1]!.hash)
      }
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    })
  })

  describe('partitions', () => {
    it('refuse TRUNCATE one by one too (statement triggers do not reach partitions by themselves)', async () => {
      await expect(sql`truncate audit_log_default`.execute(database.db)).rejects.toThrow(/append-only: TRUNCATE/)
      const month = await sql<{ name: string }>`
        select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
        where i.inhparent = 'audit_log'::regclass and c.relname <> 'audit_log_default' limit 1`.execute(database.db)
      const partition = month.rows[0]?.name
      expect(partition).toBeDefined()
      await expect(sql`truncate ${sql.table(partition ?? '')}`.execute(database.db)).rejects.toThrow(/append-only: TRUNCATE/)
    })
  })

})
