// Development entry (`npm run dev`, `npm run db:migrate`, `npm run db:seed`):
// runs the sources. Serving goes through Vite for instant reloads.
import './check-node.js'
import type { ServerBuild } from 'react-router'
import type * as ServerEntry from './main.ts'
import { runProcess } from './process.ts'

const [command = 'serve'] = process.argv.slice(2)
if (command === 'serve') {
  const { createServer } = await import('vite')
  const vite = await createServer({ server: { middlewareMode: true }, appType: 'custom' })
  const entry = (await vite.ssrLoadModule('/server/main.ts')) as typeof ServerEntry
  await runProcess(entry, ['serve'], {
    dev: {
      middleware: vite.middlewares,
      build: () => vite.ssrLoadModule('virtual:react-router/server-build') as Promise<ServerBuild>,
    },
  })
} else {
  await runProcess(await import('./main.ts'), process.argv.slice(2))
}
