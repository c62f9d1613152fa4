// `npm run measure:scale`: in-process server time of the scale paths (scripts/seed-scale/paths.ts) on
// the database seeded by `npm run seed:scale` (DATABASE_URL, default its embedded server on port
// 3990). Prints a Markdown table for docs/benchmarks.md. `npm run bench -- --scale` prints it too.
process.env.NEXTAUTH_SECRET ??= "scale-secret-scale-secret-scale-secret-0";
process.env.TOTP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64"); // the seed's default key
const url = process.env.DATABASE_URL ?? "postgres://postgres:postgres@127.0.0.1:3990/twofold";

const { PrismaClient } = await import("../lib/generated/prisma/client");
const { setDatabase } = await import("../lib/db");
// As the app connects: UTC sessions, prepared statements, 30 s transactions (not Prisma's 5 s).
const { postgresAdapter, transactionOptions } = await import("../lib/db/connection");
const prisma = new PrismaClient({ adapter: await postgresAdapter(url), transactionOptions });
setDatabase(prisma);
const { measureScalePaths } = await import("./seed-scale/paths");
console.log(await measureScalePaths());
await prisma.$disconnect();
