import { createHash, createHmac } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { Database, Db } from '#db/types.ts'
import { canonicalJson, describeChanges, type JsonValue, toJsonValue } from './changes.ts'

/**
 * The audit log (DESIGN.md rule 1). Every mutation calls `recordAudit` inside
 * its own transaction; rows are append-only (database triggers) and
 * hash-chained, and `verifyAuditChain` (`npm run audit:verify`) walks the chain.
 */

/** Who did it. `id` null = the system or an anonymous visitor. */
export type AuditActor = { id: string | null; name: string }

export type AuditContext = {
  actor: AuditActor
  ip: string | null
  userAgent: string | null
  requestId: string | null
  /** The runtime's audit key (`runtime.auditKey`): the chain's HMAC key, never stored in the database. */
  chainKey: string
}

/** The context of work nobody asked for over HTTP: start-up, commands, scheduled jobs. */
export const systemContext = (name: string, chainKey: string): AuditContext => ({
  actor: { id: null, name },
  ip: null,
  userAgent: null,
  requestId: null,
  chainKey,
})

export type AuditEntry = {
  /** Dotted, in the band's words: 'piece.delete', 'user.login_failed'. */
  action: string
  entity: [type: string, id: string | null]
  before?: Record<string, unknown> | null
  after?: Record<string, unknown> | null
  /** Anything else worth keeping, e.g. `{ reason: 'wrong password' }`. */
  details?: Record<string, unknown>
}

/** The prev_hash of the first row. */
/** What an audit row says (everything but the chain's two hashes), for every reader of the log. */
export const AUDIT_ENTRY_COLUMNS = [
  'id',
  'occurred_at',
  'actor_id',
  'actor_name',
  'action',
  'entity_type',
  'entity_id',
  'changes',
  'ip',
  'user_agent',
  'request_id',
] as const

export const GENESIS_HASH = '0'.repeat(64)

// Arbitrary but fixed forever: every writer of the chain must take this same
// lock, or two writers could both link to the same previous row.
const CHAIN_LOCK = 7_172_853_914_501

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/** Exactly what the hash covers, as the row stores (and reads back) it. */
export type AuditHashedContent = {
  occurred_at: string
  actor_id: string | null
  actor_name: string
  action: string
  entity_type: string
  entity_id: string | null
  changes: JsonValue
  ip: string | null
  user_agent: string | null
  request_id: string | null
}

/**
 * The link of one row: HMAC-SHA256 with the audit key (algorithm 2), or, for
 * rows written before the chain was keyed, plain SHA-256 (algorithm 1).
 */
export function computeAuditHash(prevHash: string, content: AuditHashedContent, key: { algorithm: 1 } | { algorithm: 2; chainKey: string }): string {
  const text = `${prevHash}\n${canonicalJson(content)}`
  if (key.algorithm === 1) return createHash('sha256').update(text).digest('hex')
  if (key.chainKey.length < 32) throw new Error('The audit key must be at least 32 characters')
  return createHmac('sha256', key.chainKey).update(text).digest('hex')
}

/**
 * Writes one audit row and links it into the chain. Call it inside the
 * transaction of the mutation it records (last, if you can: it holds the
 * chain's lock until that transaction ends); given a plain Kysely it opens
 * its own transaction. Only changed fields are kept and secrets are redacted
 * (see changes.ts).
 */
export async function recordAudit(db: Db, context: AuditContext, entry: AuditEntry): Promise<{ id: number; hash: string }> {
  if (!db.isTransaction) return db.transaction().execute((trx) => recordAudit(trx, context, entry))

  const changes = describeChanges(entry)
  const [entityType, entityId] = entry.entity
  if (!entry.action || !entityType || !context.actor.name) {
    throw new TypeError('An audit entry needs an action, an entity type and an actor name')
  }

  const { rows } = await sql<{ isolation: string }>`
    select current_setting('transaction_isolation') as isolation
    from pg_advisory_xact_lock(${CHAIN_LOCK}::bigint)
  `.execute(db)
  // Under repeatable read the snapshot may predate the last writer's commit,
  // so we would link to a stale row and fork the chain.
  if (rows[0]?.isolation !== 'read committed') {
    throw new Error(`recordAudit needs a read committed transaction (this one is ${rows[0]?.isolation ?? 'unknown'})`)
  }

  const newest = await db.selectFrom('audit_log').select('hash').orderBy('id', 'desc').limit(1).executeTakeFirst()
  const prevHash = newest?.hash ?? GENESIS_HASH
  const content: AuditHashedContent = {
    // Read under the lock, so times follow the chain (on one clock). Millisecond
    // ISO text: timestamptz keeps it exactly, so the hash still matches on read.
    occurred_at: new Date().toISOString(),
    // PostgreSQL prints uuids in lower case; hash the form that reads back.
    actor_id: normaliseUuid(context.actor.id),
    actor_name: context.actor.name,
    action: entry.action,
    entity_type: entityType,
    entity_id: entityId,
    changes: toJsonValue(changes) ?? {},
    ip: context.ip,
    user_agent: context.userAgent,
    request_id: context.requestId,
  }
  const hash = computeAuditHash(prevHash, content, { algorithm: 2, chainKey: context.chainKey })

  const row = await db
    .insertInto('audit_log')
    .values({ ...content, changes: JSON.stringify(content.changes), prev_hash: prevHash, hash, hash_algorithm: 2 })
    .returning('id')
    .executeTakeFirstOrThrow()
  return { id: row.id, hash }
}

function normaliseUuid(id: string | null): string | null {
  if (id === null) return null
  if (!UUID.test(id)) throw new TypeError(`Audit actor id is not a uuid: ${id}`)
  return id.toLowerCase()
}

/**
 * Creates the monthly partitions (UTC) of `now`'s month and the `monthsAhead`
 * months after it; existing ones are left alone. Call it outside a
 * transaction (the server does at start). A month whose rows already sit in
 * the default partition cannot get its own partition (PostgreSQL refuses, and
 * the rows may not move); it is skipped and returned, its rows stay where they are.
 */
export async function ensureAuditPartitions(
  db: Kysely<Database>,
  now: Date = new Date(),
  monthsAhead = 3,
): Promise<{ skipped: string[] }> {
  if (db.isTransaction) throw new Error('ensureAuditPartitions creates tables: call it outside a transaction')
  const skipped: string[] = []
  for (let offset = 0; offset <= monthsAhead; offset++) {
    const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + offset, 1))
    const firstDay = month.toISOString().slice(0, 10)
    // One month per call, so a refused month does not stop the ones after it.
    const create = () => sql`select audit_log_ensure_partitions(${firstDay}::date, 1)`.execute(db)
    try {
      await create()
    } catch (error) {
      const code = errorCode(error)
      if (code === '23514') {
        // check_violation: the default partition already holds rows of this month.
        skipped.push(firstDay.slice(0, 7))
      } else if (code === '42P07' || code === '23505') {
        // Another instance created the same partition at the same moment; run
        // again so it is seen and left alone.
        await create()
      } else {
        throw error
      }
    }
  }
  return { skipped }
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

export type AuditChainReport =
  | { ok: true; rows: number }
  /** `rows`: rows read, the broken one included. `reason` reads after "row N: ". */
  | { ok: false; rows: number; brokenAtId: number; reason: string }

/**
 * Walks the whole chain in id order, a batch at a time, recomputing every
 * hash with the audit key. Reports the first broken link. Gaps in ids are
 * normal (a rolled-back transaction uses up its id); only the prev_hash links
 * matter. After the first keyed row, an unkeyed one is a break: that is what
 * a re-linked chain without the key would look like.
 */
export async function verifyAuditChain(db: Db, options: { chainKey: string; batchSize?: number }): Promise<AuditChainReport> {
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 1000))
  let rows = 0
  let previous: { id: number; hash: string } | undefined
  let keyed = false

  for (;;) {
    let query = db
      .selectFrom('audit_log')
      .select([...AUDIT_ENTRY_COLUMNS, 'prev_hash', 'hash', 'hash_algorithm'])
      .orderBy('id')
      .limit(batchSize)
    // Keyset pagination on audit_log_id_idx: never more than one batch in memory.
    if (previous) query = query.where('id', '>', previous.id)
    const batch = await query.execute()

    for (const row of batch) {
      rows++
      const broken = (reason: string) => ({ ok: false as const, rows, brokenAtId: row.id, reason })
      if (row.prev_hash !== (previous?.hash ?? GENESIS_HASH)) {
        return broken(
          previous
            ? `prev_hash does not match row ${previous.id}`
            : 'prev_hash is not the start of the chain (earlier rows are missing)',
        )
      }
      const content: AuditHashedContent = {
        occurred_at: row.occurred_at.toISOString(),
        actor_id: row.actor_id,
        actor_name: row.actor_name,
        action: row.action,
        entity_type: row.entity_type,
        entity_id: row.entity_id,
        changes: toJsonValue(row.changes) ?? null,
        ip: row.ip,
        user_agent: row.user_agent,
        request_id: row.request_id,
      }
      if (keyed && row.hash_algorithm !== 2) return broken('an unkeyed row after keyed ones (the chain was re-linked without the key)')
      keyed ||= row.hash_algorithm === 2
      const key = row.hash_algorithm === 2 ? { algorithm: 2 as const, chainKey: options.chainKey } : { algorithm: 1 as const }
      if (computeAuditHash(row.prev_hash, content, key) !== row.hash) {
        return broken('content does not match its hash (changed after it was written, or another audit key)')
      }
      previous = { id: row.id, hash: row.hash }
    }
    if (batch.length < batchSize) return { ok: true, rows }
  }
}
