import { randomUUID } from 'node:crypto'
import { vi } from 'vitest'
import type { AuditContext } from './audit.server.ts'

// Shared by the audit tests only.

export function memberContext(name = 'Alex Conductor', id: string = randomUUID()): AuditContext {
  return { actor: { id, name }, ip: '203.0.113.7', userAgent: 'Test browser 1.0', requestId: `req-${randomUUID()}` }
}

/** Runs `work` with the clock (Date only; timers stay real) set to `time`. */
export async function at<T>(time: Date, work: () => Promise<T>): Promise<T> {
  vi.useFakeTimers({ toFake: ['Date'] })
  vi.setSystemTime(time)
  try {
    return await work()
  } finally {
    vi.useRealTimers()
  }
}
