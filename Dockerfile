# eml-import as a container, for engines that run one shard per pod or job (deploy/). Not built by CI.
#   docker build -t eml-import .
#   docker run --rm -e EML_IMPORT_CLIENT_SECRET -v "$PWD/exports:/exports:ro" eml-import plan '/exports/*.zip' --map /exports/map.csv
# Secrets come only from the environment at run time (EML_IMPORT_CLIENT_SECRET); none is built in.

# Build stage: compilers for better-sqlite3, built from source against this Node, then the TypeScript.
FROM node:22-bookworm-slim AS build
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# node-gyp compiles against the image's own Node headers instead of downloading them.
ENV npm_config_nodedir=/usr/local
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts \
 && npm rebuild better-sqlite3 --build-from-source
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev

# Runtime stage: no compilers, no sources, not root.
FROM node:22-bookworm-slim
ENV NODE_ENV=production
# Two malloc arenas instead of glibc's eight per core: the threads of V8 (compiler, GC) and libuv's pool
# each kept memory of their own that the process never gave back. bench:estate, 8 mailboxes: RSS 215 ->
# 186 MB, no CPU measurably spent for it (bench/issue-16-estate-results.md).
ENV MALLOC_ARENA_MAX=2
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The ledger and reports go to a mounted volume; the image's own files stay read-only to the CLI.
RUN mkdir -p /state && chown node:node /state
USER node
VOLUME ["/state"]
ENTRYPOINT ["node", "/app/dist/cli.js"]
CMD ["--help"]
