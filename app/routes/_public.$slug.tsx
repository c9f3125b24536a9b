import { data } from 'react-router'
import { MarkdownText } from '#app/components/markdown-text.tsx'
import { getPublishedPage } from '#app/modules/site/queries.server.ts'
import { db } from '#server/runtime.server.ts'
import type { Route } from './+types/_public.$slug'

export async function loader({ params }: Route.LoaderArgs) {
  const page = await getPublishedPage(db(), params.slug)
  if (!page) throw data(null, { status: 404 })
  return { page }
}

export const meta: Route.MetaFunction = ({ loaderData, matches }) => {
  const band = matches[0]?.loaderData?.band.name ?? ''
  return [
    { title: loaderData ? `${loaderData.page.title} · ${band}` : band },
    { name: 'description', content: loaderData?.page.summary ?? '' },
  ]
}

export default function CmsPage({ loaderData }: Route.ComponentProps) {
  const { page } = loaderData
  return (
    <article className="mx-auto max-w-3xl">
      <h1 className="text-3xl font-bold tracking-tight">{page.title}</h1>
      {page.summary ? <p className="mt-3 text-lg text-stone-700">{page.summary}</p> : null}
      <div className="mt-6">
        <MarkdownText source={page.body} />
      </div>
    </article>
  )
}
