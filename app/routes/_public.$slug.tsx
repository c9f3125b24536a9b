import { MarkdownText } from '#app/components/markdown-text.tsx'
import { getPublishedPage } from '#app/modules/site/queries.server.ts'
import { runtimeContext } from '#app/platform/context.ts'
import { notFound } from '#app/platform/errors.ts'
import type { Route } from './+types/_public.$slug'

export async function loader(args: Route.LoaderArgs) {
  const page = await getPublishedPage(args.context.get(runtimeContext).db, args.params.slug)
  if (!page) notFound()
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
