import { describe, expect, it } from 'vitest'
import { type Grants, mayOpenAdmin, visibleSections } from '#app/modules/identity/permissions.ts'
import { mayViewMember, mayViewRoster } from './access.ts'

// Who sees which members: the rules the roster, member pages and export share.

const CLARINETS = 'c1a00000-0000-4000-8000-000000000000'
const FLUTES = 'f1a00000-0000-4000-8000-000000000000'

const musician: Grants = { roles: ['musician'], permissions: ['event.view', 'rsvp.respond'], sections: {} }
const leader: Grants = { roles: ['musician', 'section_leader'], permissions: ['event.view'], sections: { [CLARINETS]: ['attendance.mark.section', 'member.view.section'] } }
const director: Grants = { roles: ['director'], permissions: ['event.view', 'member.view.all', 'user.invite'], sections: {} }
const admin: Grants = { roles: ['admin'], permissions: ['member.edit', 'member.view.all', 'user.manage'], sections: {} }

describe('seeing members', () => {
  it('gives directors and admins everyone, a leader their own section, a musician no one', () => {
    expect(visibleSections(director)).toBe('all')
    expect(visibleSections(admin)).toBe('all')
    expect(visibleSections(leader)).toEqual([CLARINETS])
    expect(visibleSections(musician)).toEqual([])
    expect(visibleSections(null)).toEqual([])
    expect([musician, leader, director, admin].map(mayViewRoster)).toEqual([false, true, true, true])
  })

  it('lets a leader see a member who plays in their section, also when they play elsewhere too', () => {
    expect(mayViewMember(leader, [CLARINETS])).toBe(true)
    expect(mayViewMember(leader, [FLUTES, CLARINETS])).toBe(true)
    expect(mayViewMember(leader, [FLUTES])).toBe(false)
    expect(mayViewMember(leader, [])).toBe(false)
    expect(mayViewMember(director, [])).toBe(true)
    expect(mayViewMember(musician, [CLARINETS])).toBe(false)
  })

  it('opens /admin to a section leader (for their members), not to a musician', () => {
    expect(mayOpenAdmin(leader)).toBe(true)
    expect(mayOpenAdmin(director)).toBe(true)
    expect(mayOpenAdmin(musician)).toBe(false)
    expect(mayOpenAdmin({ roles: ['section_leader'], permissions: [], sections: { [CLARINETS]: ['attendance.mark.section'] } })).toBe(false)
  })
})
