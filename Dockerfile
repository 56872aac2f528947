# syntax=docker/dockerfile:1
# One image recipe for every app in the monorepo:
#   docker build --build-arg APP=edge -t toolsplatform/edge:local .
# The build stage runs tools/build/build-runtime.mjs, the same script `npm run smoke` (CI) builds
# and boots, so every image carries exactly the tree CI tested: every app's bundle, the migrator
# (dist/libs/db/migrate.js) with its SQL, and production-only node_modules. APP only picks the entry.
# The Node tag matches the version .ci/run installs (NODE_PIN).
ARG NODE_IMAGE=node:24.22.3-bookworm-slim

# ---------- stage 1: dev dependencies (esbuild) + the runtime tree ----------
FROM ${NODE_IMAGE} AS build
WORKDIR /src
# SCARF_ANALYTICS=false and --ignore-scripts: @scarf/scarf (a dependency of swagger-ui-dist) would
# report the install from its postinstall script; no package here needs an install script
# (esbuild's binary comes as an optional dependency).
ENV NX_DAEMON=false \
    NX_NO_CLOUD=true \
    SCARF_ANALYTICS=false
# Lockfile first so this layer is cached until the dependencies change.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
# No ARG before this RUN: one cached tree serves every app's image.
RUN node tools/build/build-runtime.mjs /runtime

# ---------- stage 2: the tree, non-root ----------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app
ENV NODE_ENV=production \
    SCARF_ANALYTICS=false
# Owned by root and not writable by the app user: the process only reads its code.
COPY --from=build /runtime ./
ARG APP
RUN test -n "$APP" && test -f "dist/apps/$APP/main.js" \
 || { echo "build arg APP must name an app with dist/apps/<APP>/main.js (e.g. --build-arg APP=edge)" >&2; exit 1; }
ENV APP=${APP} \
    APP_ENTRY=dist/apps/${APP}/main.js
USER node
STOPSIGNAL SIGTERM
# `exec` replaces the shell so node receives SIGTERM directly (compose also sets init: true).
# Another process of the image is another APP_ENTRY (the upload worker: dist/apps/upload/worker.js),
# never another command: a bundle's Node flags, declared in libs/config/src/services.ts, stand
# beside it in <bundle>.flags (written by tools/build/bundle-target.mjs) and only this CMD reads them.
# The migrator, which is no service and has no flags, runs as ["node", "dist/libs/db/migrate.js"].
CMD ["/bin/sh", "-c", "exec node $(cat \"$APP_ENTRY.flags\" 2>/dev/null) \"$APP_ENTRY\""]
