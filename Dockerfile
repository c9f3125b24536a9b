# Band platform production image.
#
#   docker build -t band-platform .
#   docker run -p 3000:3000 -v band-data:/data band-platform        # embedded PGlite
#
# compose.yaml runs it with PostgreSQL and Redis; fly.toml deploys that compose
# file to Fly.io. See docs/deploying.md.
#
# Four stages, all on the same base so native modules built by `npm ci` match
# the runtime's glibc and Node ABI:
#   deps       every dependency (dev included), needed to build
#   build      `npm run build` -> build/client (static assets) + build/server
#   prod-deps  production dependencies only (the server bundle imports them)
#   runtime    what `node server/index.ts` needs, nothing else

# ---------------------------------------------------------------------------
FROM node:24-slim AS deps
WORKDIR /app
# Only the manifests first, so this layer is reused until they change.
# .npmrc carries engine-strict=true: npm refuses a Node that package.json forbids.
COPY package.json package-lock.json .npmrc ./
RUN npm ci

# ---------------------------------------------------------------------------
FROM node:24-slim AS build
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY . .
RUN npm run build

# ---------------------------------------------------------------------------
FROM node:24-slim AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN npm ci --omit=dev

# ---------------------------------------------------------------------------
FROM node:24-slim AS runtime
LABEL org.opencontainers.image.title="band-platform" \
      org.opencontainers.image.description="Self-hostable platform for a community band" \
      org.opencontainers.image.licenses="AGPL-3.0-or-later"

# HOST must be 0.0.0.0 in a container (the app's default, 127.0.0.1, is
# unreachable from outside it). DATA_DIR holds local file storage (files/) and,
# without DATABASE_URL, the embedded PGlite database.
# NODE_OPTIONS: the V8 flags of server/node-flags.ts, for every node process
# in the image (the CMD, compose's migrate-then-serve, the CLI).
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=2 \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data

WORKDIR /app

# The data directory belongs to the unprivileged `node` user (uid 1000) of the
# base image. It is created before VOLUME so a fresh named volume starts with
# this ownership.
RUN mkdir -p /data && chown node:node /data

# Application files stay owned by root: the server can read but not rewrite its
# own code. package.json is needed at runtime ("type": "module" and the
# "#app/*", "#server/*"... import map).
COPY package.json ./
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/build ./build
COPY server ./server

USER node
VOLUME ["/data"]
EXPOSE 3000

# node:24-slim has no curl or wget; Node's built-in fetch does the check.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]

# Node 24 strips the types of server/index.ts itself; it loads build/server/index.js.
# Run the migrations first with: node server/index.ts migrate
CMD ["node", "server/index.ts"]
