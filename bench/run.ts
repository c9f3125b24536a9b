// `npm run bench`: runs every benchmark in bench/ against the production
// build on 127.0.0.1 and prints its figures. Bounded in time and requests.
import { benchmarks } from './benchmarks.ts'

const only = process.argv[2]
for (const benchmark of benchmarks) {
  if (only && benchmark.name !== only) continue
  console.log(`\n## ${benchmark.name}: ${benchmark.description}\n`)
  await benchmark.run()
}
