// `npm run db:migrate`, `npm run db:migration -- <name>`, `npm run db:reset [-- --yes-really-drop <database>]`.
import { rm } from "node:fs/promises";
import { databaseTarget, openDatabase, type OpenDatabase } from "../lib/db/connection";
import { applyMigrations, createMigration } from "../lib/db/migrations";
import { resetPlan } from "../lib/db/reset-plan";
import { configuredTotpKeys } from "../lib/env";
import { PrismaClient } from "../lib/generated/prisma/client";
import { upgradeLegacyRecoveryCodes } from "../lib/two-factor/recovery-code-upgrade";

async function migrate() {
  const db = await openDatabase(databaseTarget());
  try {
    const applied = await applyMigrations(db.factory);
    console.log(applied.length ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}` : "Database is up to date; nothing to apply.");
    await upgradeRecoveryCodes(db.factory);
  } finally {
    await db.close();
  }
}

/** Needs the server's real key; without TOTP_ENCRYPTION_KEY here the server does it when it starts. */
async function upgradeRecoveryCodes(factory: OpenDatabase["factory"]) {
  const keys = configuredTotpKeys();
  if (!keys) {
    console.log("Recovery codes: TOTP_ENCRYPTION_KEY is not set here; the server rehashes any unkeyed ones when it starts.");
    return;
  }
  const prisma = new PrismaClient({ adapter: factory });
  try {
    const upgraded = await upgradeLegacyRecoveryCodes(prisma, keys);
    if (upgraded) console.log(`Rehashed ${upgraded} recovery code(s) under the server key.`);
  } finally {
    await prisma.$disconnect();
  }
}

async function reset(args: string[]) {
  const target = databaseTarget();
  const plan = resetPlan(target, args);
  if (!plan.allowed) {
    console.error(`Refusing to drop ${plan.description}: ${plan.refusal}`);
    process.exit(1);
  }
  console.log(`Dropping ${plan.description}.`);
  if (target.kind === "postgres") {
    const { default: pg } = await import("pg");
    const client = new pg.Client({ connectionString: target.url });
    await client.connect();
    await client.query("DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;");
    await client.end();
  } else {
    await (await openDatabase(target)).close(); // fails fast, with a clear message, if the folder is in use
    await rm(target.dir, { recursive: true, force: true });
  }
  console.log("Database emptied.");
  await migrate();
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  const name = args[0];
  if (command === "migrate") return migrate();
  if (command === "reset") return reset(args);
  if (command === "migration") {
    if (!name) throw new Error("Usage: npm run db:migration -- <name>");
    const folder = await createMigration(name);
    console.log(folder ? `Wrote ${folder}/migration.sql` : "No changes: the schema and the migrations agree.");
    return;
  }
  throw new Error("Usage: scripts/db.ts migrate | migration <name> | reset [--yes-really-drop <database>]");
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
