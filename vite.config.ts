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
      build: {
        rollupOptions: { input: './server/main.ts' },
      },
    },
  },
})
