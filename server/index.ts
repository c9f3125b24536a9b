// Production entry: `node server/index.ts [serve | worker | migrate | seed …]`.
// Runs the Vite-built server bundle; Node 24 strips the types of this file.
import './check-node.js'

// The production build is production mode (nonce-only CSP, no stack traces),
// whatever the shell says; development mode is `npm run dev` only. Set
// before the bundle loads, since React picks its build from it at import.
process.env.NODE_ENV = 'production'
import type * as ServerEntry from './main.ts'
import { runProcess } from './process.ts'

const bundle = new URL('../build/server/index.js', import.meta.url)
let entry: typeof ServerEntry
try {
  entry = (await import(bundle.href)) as typeof ServerEntry
} catch (error) {
  if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND' && String(error).includes('build/server')) {
    console.error('No production build found. Run `npm run build` first (or `npm start`, which builds).')
    process.exit(1)
  }
  throw error
}
await runProcess(entry, process.argv.slice(2))
