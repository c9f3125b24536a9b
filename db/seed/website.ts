import type { Insertable } from 'kysely'
import type { PagesTable, PostsTable, SettingsTable } from '#db/types.ts'
import { addDays, BAND_TIME_ZONE, bandTime } from './calendar.ts'
import { NEWEST_MEMBERS } from './roster.ts'
import { slugify, stableId } from './random.ts'
import { type ConcertSummary, listOf } from './season.ts'

export const BAND_NAME = 'Riverside Community Band'
const CONTACT_EMAIL = 'hello@example.org'

export function buildSettings(): Insertable<SettingsTable>[] {
  const settings: Record<string, unknown> = {
    'band.name': BAND_NAME,
    'band.tagline': 'Music for everyone by the river since 1978',
    'band.timezone': BAND_TIME_ZONE,
    'band.contact_email': CONTACT_EMAIL,
    // Off in the demo so the demo accounts sign in with a password alone; on by default elsewhere.
    'security.require_mfa_for_admins': false,
  }
  // jsonb columns take JSON text.
  return Object.entries(settings).map(([key, value]) => ({ key, value: JSON.stringify(value) }))
}

type PageEntry = { slug: string; title: string; summary: string; navigation: number | null; body: string }

const PAGES: PageEntry[] = [
  {
    slug: 'about',
    title: 'About the band',
    summary: 'A friendly concert band of around sixty players, rehearsing in Riverside every Tuesday.',
    navigation: 1,
    body: `The ${BAND_NAME} is a concert band of around sixty players: woodwind, brass and percussion, from teenagers to players who have been with us for over forty years. We were founded in 1978 by a handful of players from the old Riverside Silver Band and the school orchestra, and we have been playing in the town ever since.

We give four or five concerts a year in Riverside Town Hall, play on the Victoria Park bandstand through the summer, and turn out for the Remembrance parade and the Christmas lights. Our music ranges from Holst and Vaughan Williams to film scores, big band swing and brand-new pieces for wind band.

## Our musical director

Dana Director has conducted the band since 2015. Dana studied at the Royal Northern College of Music, teaches brass in local schools, and is known for choosing at least one piece each term that the band swears it cannot play, and then plays.

## A registered charity

The band is a registered charity run by an elected committee of members. Subscriptions, concert tickets and the occasional grant pay for music, hall hire and instrument repairs. We own a set of timpani, a tuba and a growing library of over 300 pieces.`,
  },
  {
    slug: 'join-us',
    title: 'Join us',
    summary: 'New players are always welcome. There are no auditions.',
    navigation: 2,
    body: `We are always happy to hear from new players, whether you played at school and want to pick it up again or have just passed grade 8. There are no auditions: come along to a Tuesday rehearsal, sit in with the section and see how you get on.

## What you need

- Your own instrument (we can sometimes lend a tuba, euphonium or percussion).
- A pencil. Really.
- Roughly grade 4 standard helps, but enthusiasm counts for more.

## Sections we are looking for

We would particularly love to hear from **bassoon**, **horn** and **percussion** players, but every section has room.

## Subscriptions

After three free rehearsals members pay £15 a month (£7.50 for students and under-18s). Nobody should miss out because of cost: talk to the treasurer in confidence.

To arrange your first visit, email [${CONTACT_EMAIL}](mailto:${CONTACT_EMAIL}) and tell us what you play.`,
  },
  {
    slug: 'rehearsals',
    title: 'Rehearsals',
    summary: "Tuesdays, 19:30 to 21:30, at St Mark's Church Hall.",
    navigation: 3,
    body: `We rehearse every Tuesday from 19:30 to 21:30 at St Mark's Church Hall, 14 Church Lane, Riverside RS1 4DJ. Please arrive by 19:15 to help put the chairs out; we tune at 19:30 sharp.

There is a tea break at about 20:30 (the rota is on the noticeboard). We break for two weeks over Christmas and New Year, and the summer rehearsals move outside to the bandstand when the weather allows.

## Getting there

The hall is a five-minute walk from Riverside station. After 18:00 you can park in the school car park opposite. There is step-free access through the side door on Vicarage Walk.

## Sectionals

Sections meet on some Thursday evenings before a concert. Your section leader will let you know, and sectionals appear in the member portal calendar.`,
  },
  {
    slug: 'support-us',
    title: 'Support the band',
    summary: 'Friends of the band, sponsorship and booking us for your event.',
    navigation: 4,
    body: `The band relies on its audiences and friends. A Friend of the Band pays £25 a year and gets priority seats at every concert, a mention in the programme and our thanks at the interval.

## Book the band

We play fêtes, weddings, civic events and garden parties, from a quintet to the full band. Fees go straight into the music fund. Tell us the date, the place and what you have in mind.

## Local businesses

Programme adverts start at £30 a concert. In 2024 the Riverside Community Trust helped us buy new timpani, and we would love to hear from anyone who could help with the next project: a van of our own.`,
  },
]

export function buildPages(anchor: string): Insertable<PagesTable>[] {
  const published = bandTime(addDays(anchor, -400), '10:00')
  return PAGES.map((page) => ({
    id: stableId(`page:${page.slug}`),
    slug: page.slug,
    title: page.title,
    summary: page.summary,
    body: page.body,
    status: 'published',
    published_at: published,
    show_in_navigation: page.navigation !== null,
    navigation_order: page.navigation ?? 0,
    created_at: published,
    updated_at: published,
  }))
}

type PostEntry = { key: string; slug?: string; title: string; summary: string; body: string; daysAgo: number }

function postEntries(concerts: ConcertSummary[], today: Date): PostEntry[] {
  const past = concerts.filter((c) => c.startsAt <= today)
  const next = concerts.find((c) => c.startsAt > today)
  const latest = past.at(-1)
  const earlier = past.at(-2)
  const thanks = (concert: ConcertSummary, key: string): PostEntry => ({
    key,
    slug: `thank-you-${concert.slug}`,
    title: `Thank you for coming to the ${concert.title}`,
    summary: `A full house at ${concert.venue} and a lot of happy faces.`,
    body: `Thank you to everyone who came to the ${concert.title} at ${concert.venue}. ${
      concert.highlights.length > 0 ? `We loved playing ${listOf(concert.highlights)}, and` : 'We'
    } the applause after the last piece will keep us going through the next term.

A special thank you to the front-of-house team, the raffle sellers and everyone who helped put out and stack the chairs. The raffle raised £212 for the music fund.

Photos from the concert are in the members' area. If you took some you are happy to share, please send them to the secretary.`,
    daysAgo: Math.max(1, -Math.round((concert.startsAt.getTime() - today.getTime()) / 86_400_000) - 2),
  })
  const entries: PostEntry[] = []
  if (latest) entries.push(thanks(latest, 'thanks-latest'))
  if (earlier) entries.push(thanks(earlier, 'thanks-earlier'))
  if (next) {
    entries.push({
      key: 'tickets',
      slug: `tickets-${next.slug}`,
      title: `Tickets on sale for the ${next.title}`,
      summary: `Book now for ${next.venue}.`,
      body: `Tickets for the ${next.title} are now on sale from band members and on the door. ${
        next.highlights.length > 0 ? `The programme includes ${listOf(next.highlights)}.` : ''
      }

Children under 18 come free with a paying adult, so bring the family.`,
      daysAgo: 12,
    })
  }
  entries.push(
    {
      key: 'new-members',
      title: 'Welcome to our new members',
      summary: `Three new faces in the band this term.`,
      body: `A warm welcome to ${listOf([...NEWEST_MEMBERS])}, who joined the band this term. It is lovely to see the sections growing again.

If you are thinking of joining, there is no better time: the new term's pads are out and the music is not too scary yet. See the [Join us](/join-us) page.`,
      daysAgo: 30,
    },
    {
      key: 'bassoon',
      title: 'Can you play the bassoon?',
      summary: 'We are looking for a second bassoonist.',
      body: `Our bassoon section is one player strong, and Tomasz would like some company. If you play the bassoon, or played it once and still have one in the loft, we would love to hear from you.

The band owns a student bassoon that has just come back from a service, so we can lend an instrument while you find your feet.`,
      daysAgo: 58,
    },
    {
      key: 'library',
      title: 'Inside the band library',
      summary: 'Over 300 sets of music and the people who look after them.',
      body: `Our librarian Libby looks after more than 300 sets of music in eight filing cabinets, from Sousa marches bought in the 1980s to pieces that arrived last month.

The whole catalogue is now online in the member portal, so you can see what we own, check what is on the next set list and download your part before rehearsal. Please still bring your folder back after the concert.`,
      daysAgo: 86,
    },
    {
      key: 'timpani',
      title: 'New timpani thanks to the Community Trust',
      summary: 'A grant from the Riverside Community Trust has paid for a new set of timpani.',
      body: `We are delighted to say that the Riverside Community Trust has awarded the band a grant for a new set of four timpani. The old drums have served us since 1991 and are retiring to the school music department.

Sam and the percussion section will give the new drums their first outing at the next concert. Our thanks to the Trust and to everyone who helped with the application.`,
      daysAgo: 121,
    },
    {
      key: 'workshop',
      title: 'Workshop day with a guest conductor',
      summary: 'A Saturday of playing, learning and cake.',
      body: `Twenty-eight players from the band and two neighbouring bands spent a Saturday working with guest conductor Alison Grey on rhythm, balance and listening.

The day ended with a play-through of Holst's First Suite that several people described as "the best we've ever sounded". We hope to make it a yearly event.`,
      daysAgo: 150,
    },
  )
  return entries
}

export function buildPosts(concerts: ConcertSummary[], anchor: string, today: Date): Insertable<PostsTable>[] {
  const posts: Insertable<PostsTable>[] = postEntries(concerts, today).map((post) => {
    const publishedAt = bandTime(addDays(anchor, -post.daysAgo), '09:00')
    return {
      id: stableId(`post:${post.key}`),
      slug: post.slug ?? slugify(post.title),
      title: post.title,
      summary: post.summary,
      body: post.body,
      status: 'published',
      published_at: publishedAt,
      created_at: publishedAt,
      updated_at: publishedAt,
    }
  })
  const drafted = bandTime(addDays(anchor, -2), '20:45')
  posts.push({
    id: stableId('post:picnic-draft'),
    slug: 'summer-picnic-save-the-date',
    title: 'Summer picnic: save the date',
    summary: 'Families and friends welcome at the band picnic.',
    body: `The band picnic is back in Victoria Park. Bring food to share, a chair and the family.

(Draft: confirm the barbecue with Graham before publishing.)`,
    status: 'draft',
    published_at: null,
    created_at: drafted,
    updated_at: drafted,
  })
  return posts
}
