import { describe, expect, it } from 'vitest'
import { redactSecrets } from './app.ts'

describe('redactSecrets (the request log)', () => {
  it('takes the token out of a calendar feed address, which is its only secret', () => {
    expect(redactSecrets('/calendar/yUapLrTpKt2cKnlir3rrnIgrnzt2U6gdskE94TlRkvQ.ics')).toBe('/calendar/[redacted].ics')
    expect(redactSecrets('/calendar/abc.ics?x=1')).toBe('/calendar/[redacted].ics?x=1')
  })
  it('still takes out invitation and reset tokens, and leaves other paths alone', () => {
    expect(redactSecrets('/invite/secret-token')).toBe('/invite/[redacted]')
    expect(redactSecrets('/reset-password?token=abc')).toBe('/reset-password?token=%5Bredacted%5D')
    expect(redactSecrets('/concerts.ics')).toBe('/concerts.ics')
  })
})
