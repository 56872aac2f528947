# syntax=docker/dockerfile:1
# One image recipe for every app in the monorepo:
#   docker build --build-arg APP=edge -t toolsplatform/edge:local .
# Every image also carries the DB migrator (dist/libs/db/migrate.js).
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------- stage 1: install all deps and bundle one app + the migrator ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    NX_SKIP_NX_CACHE=true
# Lockfile first so this layer is shared by every app (ARG APP comes later on purpose:
# an ARG invalidates the cache of every RUN after it).
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
ARG APP
RUN test -n "$APP" || { echo "build arg APP is required (e.g. --build-arg APP=edge)" >&2; exit 1; } \
 && node tools/build/build-app.mjs "$APP" \
 && node tools/build/build-app.mjs db \
 && test -f "dist/apps/$APP/main.js" \
 && test -f dist/libs/db/migrate.js \
 && test -d dist/libs/db/migrations

# ---------- stage 2: production deps + bundles, non-root ----------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
ARG APP
ENV APP=${APP} \
    APP_ENTRY=dist/apps/${APP}/main.js
COPY --from=build --chown=node:node /app/dist ./dist
USER node
STOPSIGNAL SIGTERM
# `exec` replaces the shell so node receives SIGTERM directly (compose also sets init: true).
# Override the command to run another entry, e.g. ["node", "dist/libs/db/migrate.js"].
CMD ["/bin/sh", "-c", "exec node \"$APP_ENTRY\""]
