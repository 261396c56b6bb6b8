# LotusDesk 蓮心客服 — one image for every process role; SERVICES picks the role at run time.
#
#   docker build -t lotusdesk .
#   docker run -p 3000:3000 -e LOTUSDESK_JWT_SECRET=... -v lotusdesk:/var/lib/lotusdesk lotusdesk
#
# Stage 1 installs every dependency (the web app is built with vite, a dev dependency), builds
# the web app, then drops the dev dependencies. Stage 2 is the runtime: the production
# node_modules, the sources (run by tsx, so no compile step can drift from what was tested), the
# built web app, the shipped reference data, and the PostgreSQL client tools for backups.

FROM node:20-bookworm-slim AS build
WORKDIR /app
# Only the manifests first, so the dependency layer is reused while sources change.
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
# The web app, when this checkout has one (npm run build:web writes dist/web).
RUN if npm run | grep -q '^  build:web'; then npm run build:web; else mkdir -p dist/web; fi \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
# pg_dump/pg_restore 15 (Debian bookworm) for the backups of the `postgres:15` server in
# docker-compose.yml; a client older than the server cannot dump it, so keep the two in step.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-15 \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    SERVICES=web,ws,worker,cron \
    LOTUSDESK_DATA_DIR=/var/lib/lotusdesk
COPY --from=build --chown=node:node /app/package.json /app/package-lock.json ./
COPY --from=build --chown=node:node /app/node_modules ./node_modules
COPY --from=build --chown=node:node /app/src ./src
COPY --from=build --chown=node:node /app/scripts ./scripts
COPY --from=build --chown=node:node /app/data ./data
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/tsconfig.json ./
# Runtime state (embedded database, uploads, backups) lives outside the image, owned by the
# unprivileged user the server runs as.
RUN mkdir -p /var/lib/lotusdesk/backups && chown -R node:node /var/lib/lotusdesk
VOLUME ["/var/lib/lotusdesk"]
USER node
EXPOSE 3000
# Liveness: the process answers /healthz (readiness, with its dependencies, is /readyz).
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# SIGTERM drains: readiness goes down, in-flight sends finish, sockets close with 4503.
STOPSIGNAL SIGTERM
# The arguments of scripts/server-args.mjs (npm start and the benchmarks use the same).
CMD ["node", "--max-semi-space-size=32", "--import", "tsx", "src/server/main.ts"]
