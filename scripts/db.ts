// `npm run db:migrate`, `npm run db:migration -- <name>`, `npm run db:reset [-- --yes-really-drop <database>]`.
import { rm } from "node:fs/promises";
import { databaseTarget, openDatabase, type OpenDatabase } from "../lib/db/connection";
import { applyMigrations, createMigration } from "../lib/db/migrations";
import { resetPlan } from "../lib/db/reset-plan";
import { configuredTotpKeys } from "../lib/env";
import { PrismaClient } from "../lib/generated/prisma/client";
import { rotateTotpKey } from "../lib/two-factor/key-rotation";
import { upgradeLegacyRecoveryCodes } from "../lib/two-factor/recovery-code-upgrade";

async function migrate() {
  const db = await openDatabase(databaseTarget());
  try {
    const applied = await applyMigrations(db.factory);
    console.log(
      applied.length
        ? `Applied ${applied.length} migration(s):\n  ${applied.join("\n  ")}`
        : "Database is up to date; nothing to apply.",
    );
    await upgradeRecoveryCodes(db.factory);
  } finally {
    await db.close();
  }
}

/** Needs the server's real key; without TOTP_ENCRYPTION_KEY here the server does it when it starts. */
async function upgradeRecoveryCodes(factory: OpenDatabase["factory"]) {
  const keys = configuredTotpKeys();
  if (!keys) {
    console.log(
      "Recovery codes: TOTP_ENCRYPTION_KEY is not set here; the server rehashes any unkeyed ones when it starts.",
    );
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

/** `npm run keys:rotate`: re-encrypts every TOTP secret under the current key; run it again to resume. */
async function rotateKeys() {
  const keys = configuredTotpKeys();
  if (!keys)
    throw new Error(
      "Set TOTP_ENCRYPTION_KEY (the new key), TOTP_ENCRYPTION_KEY_ID (its new id) and TOTP_PREVIOUS_KEYS (id:key of the old ones).",
    );
  if (keys.all.size < 2)
    throw new Error("TOTP_PREVIOUS_KEYS is empty: name the old key (id:base64key) so its secrets can be opened.");
  const db = await openDatabase(databaseTarget());
  const prisma = new PrismaClient({ adapter: db.factory });
  try {
    const report = await rotateTotpKey(prisma, keys);
    console.log(`Re-encrypted ${report.resealed} TOTP secret(s) under key "${keys.current.id}".`);
    if (report.unreadable.length) {
      console.error(
        `Could not open ${report.unreadable.length} secret(s) with the configured keys (add their key to TOTP_PREVIOUS_KEYS and run again):\n  ${report.unreadable.join("\n  ")}`,
      );
      process.exitCode = 1;
    }
    const old = Object.entries(report.recoveryCodesByOldKey);
    console.log(
      old.length
        ? `Unused recovery codes hashed under older keys: ${old.map(([id, n]) => `${id}: ${n}`).join(", ")}. Hashes cannot be re-keyed: keep those keys in TOTP_PREVIOUS_KEYS until the codes are used or regenerated.`
        : "No recovery code depends on an older key: TOTP_PREVIOUS_KEYS may be emptied.",
    );
  } finally {
    await prisma.$disconnect();
    await db.close();
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
  if (command === "rotate-keys") return rotateKeys();
  if (command === "migration") {
    if (!name) throw new Error("Usage: npm run db:migration -- <name>");
    const folder = await createMigration(name);
    console.log(folder ? `Wrote ${folder}/migration.sql` : "No changes: the schema and the migrations agree.");
    return;
  }
  throw new Error(
    "Usage: scripts/db.ts migrate | migration <name> | reset [--yes-really-drop <database>] | rotate-keys",
  );
}

main().catch((error: Error) => {
  console.error(error.message);
  process.exit(1);
});
