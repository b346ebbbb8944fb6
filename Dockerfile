# syntax=docker/dockerfile:1
# The Kontor server as a container: `docker build -t kontor-server .` (see docs/server.md).
# Multi-stage: the build stage has the C toolchain the native modules (better-sqlite3 with
# SQLCipher, argon2) compile with; the image that runs has only Node, the runtime packages and
# the bundled server, and runs as an unprivileged user. Docker cannot run on the machines this was
# written on: the file is checked by src/server/deploy.test.ts, not built there.

FROM node:20-bookworm-slim AS build
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
ENV ELECTRON_SKIP_BINARY_DOWNLOAD=1 \
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 \
    npm_config_audit=false \
    npm_config_fund=false
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
  && npm rebuild better-sqlite3 argon2
COPY scripts ./scripts
COPY src ./src
COPY resources/migrations ./resources/migrations
RUN node scripts/build-cli.mjs \
  && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production \
    KONTOR_SERVER_DATA_DIR=/var/lib/kontor \
    KONTOR_SERVER_HOST=0.0.0.0 \
    KONTOR_SERVER_PORT=7420
RUN useradd --system --uid 10001 --home-dir /var/lib/kontor --shell /usr/sbin/nologin kontor \
  && mkdir -p /var/lib/kontor \
  && chown kontor:kontor /var/lib/kontor
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/out/cli ./out/cli
COPY --from=build /app/resources/migrations ./resources/migrations
USER kontor
VOLUME /var/lib/kontor
EXPOSE 7420
# Listening on every address needs a certificate (KONTOR_SERVER_TLS_CERT_FILE and _KEY_FILE):
# without one the server refuses to start and says so.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s \
  CMD ["node", "-e", "require('node:https').get({ host: '127.0.0.1', port: process.env.KONTOR_SERVER_PORT, path: '/healthz', rejectUnauthorized: false }, (r) => process.exit(r.statusCode === 200 ? 0 : 1)).on('error', () => process.exit(1))"]
STOPSIGNAL SIGTERM
CMD ["node", "out/cli/kontor-server.mjs"]
