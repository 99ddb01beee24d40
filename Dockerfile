# syntax=docker/dockerfile:1
#
# vt-access-gateway image: `docker build -t vt-access-gateway .` (BuildKit, the default since Docker 23).
# Runs as a non-root user on a read-only root filesystem: the only place it writes is the audit volume.
# docker-compose.yml shows a complete deployment. test/container/dockerfile-replay.test.ts replays the
# steps below without a Docker engine; a RUN step it does not know fails that test. Teach it the new step.

# ---- build: compile TypeScript to dist/ ----------------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies and dist/ only -----------------------------------------------------
FROM node:24-bookworm-slim AS runtime
# tini as PID 1 passes SIGTERM on to node, which finishes in-flight requests and exits 0, and reaps zombies.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini \
 && rm -rf /var/lib/apt/lists/*
ENV NODE_ENV=production
WORKDIR /app
# package.json also sits next to dist/ because the app reads its version from it at start.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund
COPY --from=build /app/dist ./dist
# The operator's commands: `vtgw token ...`, `vtgw audit verify ...` (the build made main.js executable).
RUN ln -s /app/dist/cli/main.js /usr/local/bin/vtgw
# The audit log's directory: a volume, owned by the runtime user (uid 1000 is the base image's `node`), so a
# fresh named volume starts out writable for it. Everything under /app stays root-owned and read-only.
RUN mkdir -p /var/lib/vt-access-gateway/audit \
 && chown -R 1000:1000 /var/lib/vt-access-gateway
VOLUME ["/var/lib/vt-access-gateway/audit"]
# MALLOC_ARENA_MAX: glibc gives each thread that allocates an arena of its own (up to 8 per core) and keeps freed
# memory in each; two arenas kept RSS about 8 MB lower under load and while streaming large answers (test/bench/README.md).
ENV HOST=0.0.0.0 \
    PORT=8080 \
    MCP_PORT=9090 \
    METRICS_PORT=9464 \
    AUDIT_LOG_PATH=/var/lib/vt-access-gateway/audit/audit.log \
    MALLOC_ARENA_MAX=2
# Numeric, so that Kubernetes' runAsNonRoot can verify it.
USER 1000:1000
# REST, MCP (Streamable HTTP at /mcp), Prometheus /metrics.
EXPOSE 8080 9090 9464
# No curl in the slim image: node's fetch asks /healthz (alive; /readyz is the readiness probe).
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
# What `npm start` runs. Maglev, V8's mid-tier compiler, off: under 60 s of GET it held 13-17 MB of RSS (its compile
# zones in malloc's heap, its code) for no measurable CPU (1.01x per request with it off, `compare.ts`, 2026-12-03).
# Semi-spaces capped at 6 MiB (default 16): 5 % less CPU per request than 4 MiB (fewer scavenges), 8 MB more RSS; the
# old space doubles before each full collection (growing 100 %): lower settings cost 7-12 % more CPU per request on
# this benchmark's single core. Capping the old space as well (--max-old-space-size=256) brought RSS under load from
# ~200 to ~140 MB but cost 20-60 % more CPU per request in `npm run bench`, so it is left to the operator.
CMD ["node", "--no-maglev", "--max-semi-space-size=6", "--heap-growing-percent=100", "--import", "./dist/tracing/register.js", "dist/server.js"]
