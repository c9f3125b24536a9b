import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '#tests/setup/database.ts'
import { genericPlan, wantsGenericPlan } from './generic-plan.ts'

let database: TestDatabase
beforeAll(async () => {
  database = await createTestDatabase({ migrate: false })
  await sql`create table plan_probe (n int)`.execute(database.db)
})
afterAll(() => database.drop())

const planMode = async (statement = sql`select current_setting('plan_cache_mode') as mode`) =>
  (await statement.execute(database.db)).rows[0]

describe('the generic-plan mark', () => {
  it('is seen at the start of a raw statement and right after select', () => {
    expect(wantsGenericPlan(sql`${genericPlan} with x as (select 1) select * from x`.compile(database.db).sql)).toBe(true)
    expect(wantsGenericPlan(database.db.selectFrom('people').modifyFront(genericPlan).select('id').compile().sql)).toBe(true)
    expect(wantsGenericPlan(database.db.selectFrom('people').select('id').compile().sql)).toBe(false)
    // Only a mark where a statement starts counts: a value cannot smuggle one in.
    expect(wantsGenericPlan(sql`select ${'/* generic plan */'} as text`.compile(database.db).sql)).toBe(false)
  })
})

describe.runIf(process.env.DATABASE_URL)('marked statements on PostgreSQL (PGlite has one connection and no plan cache setting to route by)', () => {
  it('run on a connection that keeps one generic plan, and other statements do not', async () => {
    expect(await planMode()).toEqual({ mode: 'auto' })
    expect(await planMode(sql`${genericPlan} select current_setting('plan_cache_mode') as mode`)).toEqual({ mode: 'force_generic_plan' })
  })

  it('run as a prepared statement whose one generic plan is reused', async () => {
    const statement = sql<{ generic: number; custom: number }>`${genericPlan}
      select generic_plans::int as generic, custom_plans::int as custom from pg_prepared_statements where statement like '%plan_probe_marker%'`
    for (let run = 0; run < 3; run += 1) await statement.execute(database.db)
    const { rows } = await statement.execute(database.db)
    expect(rows).toHaveLength(1)
    expect(rows[0]?.custom).toBe(0)
    expect(rows[0]?.generic).toBeGreaterThanOrEqual(3)
  })

  it('inside a transaction stay on its connection: they see its uncommitted rows and its settings', async () => {
    await database.db.transaction().execute(async (trx) => {
      await sql`insert into plan_probe values (7)`.execute(trx)
      const { rows } = await sql<{ n: number; mode: string }>`${genericPlan}
        select (select count(*)::int from plan_probe where n = 7) as n, current_setting('plan_cache_mode') as mode`.execute(trx)
      expect(rows[0]).toEqual({ n: 1, mode: 'auto' })
      throw new Error('roll back')
    }).catch((error: unknown) => {
      if (!(error instanceof Error && error.message === 'roll back')) throw error
    })
    // After the transaction the same connection routes marked statements again.
    expect(await planMode(sql`${genericPlan} select current_setting('plan_cache_mode') as mode`)).toEqual({ mode: 'force_generic_plan' })
    expect((await sql<{ n: number }>`select count(*)::int as n from plan_probe`.execute(database.db)).rows[0]).toEqual({ n: 0 })
  })

  it('fail like any statement: a bad one is an error, not a lost connection', async () => {
    await expect(sql`${genericPlan} select * from no_such_table`.execute(database.db)).rejects.toThrow(/no_such_table/)
    expect(await planMode(sql`${genericPlan} select current_setting('plan_cache_mode') as mode`)).toEqual({ mode: 'force_generic_plan' })
  })
})
