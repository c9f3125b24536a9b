import { librarySearch } from './library-search.ts'
import { libraryUpload } from './library-upload.ts'
import { pageBudget } from './page-budget.ts'
import { ssrVersusStatic } from './ssr-vs-static.ts'

export type Benchmark = { name: string; description: string; run(): Promise<void> }

/** Every benchmark, in the order `npm run bench` runs them. Later issues add theirs. */
export const benchmarks: Benchmark[] = [ssrVersusStatic, pageBudget, librarySearch, libraryUpload]
