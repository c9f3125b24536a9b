import { type Kysely, sql } from 'kysely'

/**
 * The audit log (DESIGN.md rule 1): append-only, hash-chained, partitioned by
 * month so the admin pages can page through years of rows.
 *
 * - The database refuses UPDATE, DELETE and TRUNCATE (triggers), so history
 *   can only grow; app code writes rows through app/modules/audit.
 * - `hash` = sha256(prev_hash + the row's content), computed by the app inside
 *   the writing transaction while it holds an advisory lock, so two writers
 *   cannot fork the chain. `npm run audit:verify` walks it.
 * - Partitions: one per calendar month (UTC), created ahead of time by
 *   `audit_log_ensure_partitions()` (called at start and by the migration);
 *   a default partition catches anything outside them.
 * - Indexes serve the admin filters with keyset pagination: by time (the
 *   primary key, occurred_at + id), by actor, by action, by entity.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table audit_log (
      id bigint generated always as identity,
      occurred_at timestamptz not null default now(),
      actor_id uuid,
      actor_name text not null,
      action text not null,
      entity_type text not null,
      entity_id text,
      changes jsonb not null default '{}'::jsonb,
      ip text,
      user_agent text,
      request_id text,
      prev_hash text not null,
      hash text not null,
      primary key (occurred_at, id)
    ) partition by range (occurred_at)
  `.execute(db)
  await sql`create table audit_log_default partition of audit_log default`.execute(db)
  await sql`create index audit_log_id_idx on audit_log (id)`.execute(db)
  await sql`create index audit_log_actor_idx on audit_log (actor_id, occurred_at desc, id desc)`.execute(db)
  await sql`create index audit_log_action_idx on audit_log (action, occurred_at desc, id desc)`.execute(db)
  await sql`create index audit_log_entity_idx on audit_log (entity_type, entity_id, occurred_at desc, id desc)`.execute(db)

  await sql`
    create function audit_log_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
    end
    $$
  `.execute(db)
  await sql`
    create trigger audit_log_no_update_or_delete before update or delete on audit_log
    for each row execute function audit_log_refuse_change()
  `.execute(db)
  await sql`
    create trigger audit_log_no_truncate before truncate on audit_log
    for each statement execute function audit_log_refuse_change()
  `.execute(db)

  // TRUNCATE triggers do not reach partitions, so each partition gets its own.
  await sql`
    create trigger audit_log_default_no_truncate before truncate on audit_log_default
    for each statement execute function audit_log_refuse_change()
  `.execute(db)

  // Creates the monthly partitions (months in UTC, whatever the server's time
  // zone) from the month of `from_date` for `months` months.
  await sql`
    create function audit_log_ensure_partitions(from_date date, months integer) returns void
    language plpgsql as $$
    declare
      month_start date;
      partition_name text;
    begin
      for i in 0 .. months - 1 loop
        month_start := (date_trunc('month', from_date) + make_interval(months => i))::date;
        partition_name := 'audit_log_' || to_char(month_start, 'YYYY_MM');
        if to_regclass(partition_name) is null then
          execute format(
            'create table %I partition of audit_log for values from (%L) to (%L)',
            partition_name,
            month_start::timestamp at time zone 'UTC',
            (month_start + interval '1 month')::timestamp at time zone 'UTC'
          );
          execute format(
            'create trigger %I before truncate on %I for each statement execute function audit_log_refuse_change()',
            partition_name || '_no_truncate',
            partition_name
          );
        end if;
      end loop;
    end
    $$
  `.execute(db)
  await sql`select audit_log_ensure_partitions((now() at time zone 'UTC')::date, 3)`.execute(db)
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table audit_log cascade`.execute(db)
  await sql`drop function audit_log_ensure_partitions(date, integer)`.execute(db)
  await sql`drop function audit_log_refuse_change()`.execute(db)
}
