import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { allAuditIds, at, auditRow, memberContext, putBack, TEST_CHAIN_KEY, withTriggerDisabled } from './audit-test-helpers.ts'
import { computeAuditHash, recordAudit, verifyAuditChain } from './audit.server.ts'
import { toJsonValue } from './changes.ts'

/**
 * Tampering behind the app's back, the way an intruder with the owner's
 * rights could, and `verifyAuditChain` naming the first broken link.
 */
let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase()
  // 45 rows; rows 30–34 fall in a month without a partition (the default one).
  for (let index = 0; index < 45; index++) {
    const write = () =>
      recordAudit(database.db, memberContext(`Member ${index}`), {
        action: 'piece.update',
        entity: ['piece', `piece-${index}`],
        before: { title: `Old title ${index}` },
        after: { title: `New title ${index}` },
      })
    if (index >= 30 && index < 35) await at(new Date('2001-06-15T12:00:00Z'), write)
    else await write()
  }
})
afterAll(() => database.drop())

describe(`verifying the audit chain on ${process.env.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`, () => {
  describe('an untouched or edited chain', () => {
    it('passes an untouched chain, whatever the batch size', async () => {
      const total = (await allAuditIds(database.db)).length
      expect(total).toBeGreaterThan(40)
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toEqual({ ok: true, rows: total })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY, batchSize: 7 })).toEqual({ ok: true, rows: total })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY, batchSize: 1 })).toEqual({ ok: true, rows: total })
    })

    it('reports the row whose actor_name or changes were edited, and passes again once restored', async () => {
      const ids = await allAuditIds(database.db)
      const target = await auditRow(database.db, ids[5]!)
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`update audit_log set actor_name = 'Someone else' where id = ${target.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY, batchSize: 4 })).toEqual({
        ok: false,
        rows: 6,
        brokenAtId: target.id,
        reason: 'content does not match its hash (changed after it was written, or another audit key)',
      })
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`update audit_log set actor_name = ${target.actor_name} where id = ${target.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })

      const first = await auditRow(database.db, ids[0]!)
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`update audit_log set changes = changes || '{"forged": true}'::jsonb where id = ${first.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: false, rows: 1, brokenAtId: first.id })
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`update audit_log set changes = ${JSON.stringify(first.changes)}::jsonb where id = ${first.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    })

    it('reports the next row when an edited row was given a fresh hash', async () => {
      const ids = await allAuditIds(database.db)
      const target = await auditRow(database.db, ids[10]!)
      const forgedName = 'Forger'
      const forgedHash = computeAuditHash(target.prev_hash, {
        occurred_at: target.occurred_at.toISOString(),
        actor_id: target.actor_id,
        actor_name: forgedName,
        action: target.action,
        entity_type: target.entity_type,
        entity_id: target.entity_id,
        changes: toJsonValue(target.changes) ?? null,
        ip: target.ip,
        user_agent: target.user_agent,
        request_id: target.request_id,
      }, { algorithm: 2, chainKey: TEST_CHAIN_KEY })
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`update audit_log set actor_name = ${forgedName}, hash = ${forgedHash} where id = ${target.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toEqual({
        ok: false,
        rows: 12,
        brokenAtId: ids[11],
        reason: `prev_hash does not match row ${target.id}`,
      })
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`
          update audit_log set actor_name = ${target.actor_name}, hash = ${target.hash} where id = ${target.id}
        `.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    })

    it('reports the row after one that was deleted from the middle', async () => {
      const ids = await allAuditIds(database.db)
      const removed = await auditRow(database.db, ids[20]!)
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`delete from audit_log where id = ${removed.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY, batchSize: 5 })).toEqual({
        ok: false,
        rows: 21,
        brokenAtId: ids[21],
        reason: `prev_hash does not match row ${ids[19]}`,
      })

      // Put it back exactly (same id, time and content): the chain is whole again.
      await putBack(database.db, removed)
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    })

    it('reports a row missing from the start of the chain', async () => {
      const ids = await allAuditIds(database.db)
      const first = await auditRow(database.db, ids[0]!)
      await withTriggerDisabled(database.db, async (trx) => {
        await sql`delete from audit_log where id = ${first.id}`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toEqual({
        ok: false,
        rows: 1,
        brokenAtId: ids[1],
        reason: 'prev_hash is not the start of the chain (earlier rows are missing)',
      })
      await putBack(database.db, first)
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    })
  })

  describe('an intruder who can write to the database but lacks the audit key (finding 8)', () => {
    /** Edits one row, then re-links every row from there on, as audit:verify once could not tell. */
    async function relinkFrom(index: number, key: Parameters<typeof computeAuditHash>[2]) {
      const ids = await allAuditIds(database.db)
      const originals = await Promise.all(ids.slice(index).map((id) => auditRow(database.db, id)))
      let prevHash = (await auditRow(database.db, ids[index]!)).prev_hash
      await withTriggerDisabled(database.db, async (trx) => {
        for (const [offset, row] of originals.entries()) {
          const actorName = offset === 0 ? 'Forger' : row.actor_name
          const hash = computeAuditHash(
            prevHash,
            {
              occurred_at: row.occurred_at.toISOString(),
              actor_id: row.actor_id,
              actor_name: actorName,
              action: row.action,
              entity_type: row.entity_type,
              entity_id: row.entity_id,
              changes: toJsonValue(row.changes) ?? null,
              ip: row.ip,
              user_agent: row.user_agent,
              request_id: row.request_id,
            },
            key,
          )
          await sql`update audit_log set actor_name = ${actorName}, prev_hash = ${prevHash}, hash = ${hash}, hash_algorithm = ${key.algorithm} where id = ${row.id}`.execute(trx)
          prevHash = hash
        }
      })
      return { ids, originals }
    }

    async function restore(originals: Awaited<ReturnType<typeof auditRow>>[]) {
      await withTriggerDisabled(database.db, async (trx) => {
        for (const row of originals) {
          await sql`update audit_log set actor_name = ${row.actor_name}, prev_hash = ${row.prev_hash}, hash = ${row.hash}, hash_algorithm = ${row.hash_algorithm} where id = ${row.id}`.execute(trx)
        }
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: true })
    }

    it('is caught when it re-links the chain with plain SHA-256', async () => {
      const { ids, originals } = await relinkFrom(5, { algorithm: 1 })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({ ok: false, brokenAtId: ids[5] })
      await restore(originals)
    })

    it('is caught when it re-links the chain with a key of its own', async () => {
      const { ids, originals } = await relinkFrom(5, { algorithm: 2, chainKey: 'a-key-the-intruder-made-up-0123456789abcdef' })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({
        ok: false,
        brokenAtId: ids[5],
        reason: 'content does not match its hash (changed after it was written, or another audit key)',
      })
      await restore(originals)
    })
  })

  describe('an intruder with owner rights', () => {
    it('can switch the trigger off and truncate a partition, and the chain reports the row after the hole', async () => {
      const inDefault = await sql<{ id: number }>`select id from audit_log_default order by id`.execute(database.db)
      const hidden = new Set(inDefault.rows.map((row) => row.id))
      expect(hidden.size).toBeGreaterThan(0)
      const ids = await allAuditIds(database.db)
      const firstHidden = ids.findIndex((id) => hidden.has(id))
      const nextShown = ids.slice(firstHidden).find((id) => !hidden.has(id))

      await database.db.transaction().execute(async (trx) => {
        await sql`alter table audit_log_default disable trigger audit_log_default_no_truncate`.execute(trx)
        await sql`truncate audit_log_default`.execute(trx)
        await sql`alter table audit_log_default enable trigger audit_log_default_no_truncate`.execute(trx)
      })
      expect(await verifyAuditChain(database.db, { chainKey: TEST_CHAIN_KEY })).toMatchObject({
        ok: false,
        brokenAtId: nextShown,
        reason: `prev_hash does not match row ${ids[firstHidden - 1]}`,
      })
    })
  })
})
