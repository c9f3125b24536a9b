import { sql } from 'kysely'
import type { Db } from '#db/types.ts'

/**
 * Library numbers are never reused (the unique index covers deleted pieces).
 * The next one continues the highest numbered series: after "CB-0300" comes
 * "CB-0301". Add-ons such as "46.1" are typed by the librarian.
 */
export async function nextLibraryNumber(db: Db): Promise<string> {
  const { rows } = await sql<{ prefix: string; digits: string }>`
    select m[1] as prefix, m[2] as digits
    from pieces, regexp_match(library_number, '^(.*?)([0-9]+)$') as m
    where library_number is not null
    order by m[2]::bigint desc, length(m[2]) desc
    limit 1
  `.execute(db)
  const last = rows[0]
  if (!last) return '1'
  const next = String(BigInt(last.digits) + 1n).padStart(last.digits.length, '0')
  return `${last.prefix}${next}`
}
