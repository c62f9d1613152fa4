# Twofold's production server in one image: `docker compose up` (compose.yaml) runs it beside PostgreSQL.
# The container migrates the database, then runs `npm start` (server.mjs). Configuration comes only from
# the environment (see .env.example and docs/deploy.md).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma prisma
COPY prisma.config.ts ./
RUN npm install --no-audit --no-fund
COPY . .
# Development packages stay: `npm run db:migrate` runs its TypeScript through tsx.
RUN npm run build

FROM node:20-bookworm-slim
ENV NODE_ENV=production PORT=3000
WORKDIR /app
COPY --from=build --chown=node:node /app /app
USER node
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/api/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["sh", "-c", "npm run db:migrate && npm start"]
