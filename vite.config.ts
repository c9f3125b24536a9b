import { reactRouter } from '@react-router/dev/vite'
import tailwindcss from '@tailwindcss/vite'
import { defineConfig } from 'vite'

export default defineConfig({
  plugins: [tailwindcss(), reactRouter()],
  environments: {
    // The server bundle starts at server/main.ts (Express, database, runtime)
    // and pulls the React Router build in, so one process holds one copy of
    // every module: one database handle, one cache, one lock on DATA_DIR.
    ssr: {
      // Resolved by Vite like the app, so in development both see the same
      // copy of react-router (its "development" build), and the context
      // object server/app.ts creates is the one the request handler expects.
      resolve: { noExternal: ['@react-router/express'] },
      build: {
        rollupOptions: { input: './server/main.ts' },
      },
    },
  },
})
