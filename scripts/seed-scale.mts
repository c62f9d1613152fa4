// `npm run seed:scale`: 1,000,000 users and 10,000 accounts (one with 100,000 members) in PostgreSQL,
// for the scale figures in docs/benchmarks.md. DATABASE_URL=postgres://… seeds that (empty, migrated
// here) database; without it an embedded PostgreSQL is started on SCALE_PG_PORT (default 3990) in
// SCALE_PG_DIR (default <tmp>/twofold-scale-pg) and kept running with --serve. Users go in 10,000 rows per statement (unnest of
// arrays); everything else is generated inside PostgreSQL (scripts/seed-scale/tables.ts).
//
// Secrets are sealed with lib's own functions (seal + totpSecretContext, hashRecoveryCode under the
// configured TOTP_ENCRYPTION_KEY), one ciphertext per user since the ciphertext is bound to its owner;
// the plaintexts are a handful of distinct TOTP secrets reused. Every user's password is SEED_PASSWORD.
import { performance } from "node:perf_hooks";
import pg from "pg";
import { seal } from "../lib/crypto/secret-box";
import { hashPassword } from "../lib/crypto/password";
import { PrismaPg } from "@prisma/adapter-pg";
import { applyMigrations } from "../lib/db/migrations";
import { configuredTotpKeys } from "../lib/env";
import { hashRecoveryCode } from "../lib/two-factor/recovery-code-hash";
import { totpSecretContext } from "../lib/two-factor/secret-context";
import { SECRETS } from "./seed-scale/secrets";
import { BIG_MEMBERS, bulkStatements } from "./seed-scale/tables";
import { scaleCluster } from "./servers/postgres";

const USERS = Number(process.env.SCALE_USERS ?? 1_000_000);
const ACCOUNTS = Number(process.env.SCALE_ACCOUNTS ?? 10_000);
const BATCH = 10_000;
export const SEED_PASSWORD = "scale-password-1";
process.env.TOTP_ENCRYPTION_KEY ??= Buffer.alloc(32, 7).toString("base64");
const keys = configuredTotpKeys()!;
const FIRST = ["Ada", "Ben", "Chloé", "Dan", "Eve", "Femi", "Gus", "Hana", "Ivan", "Jo", "Kai", "Lea", "Mo", "Nia"];
const SYLLABLES = ["ba", "ko", "ri", "san", "mü", "tel", "do", "na", "vik", "lo", "gar", "shi", "pe", "rom", "zu"];
/** 14 first names × 3,375 family names: about 20 users share a full name, as in a real user base. */
const lastName = (n: number) => {
  const [a, b, c] = [n % 15, Math.floor(n / 15) % 15, Math.floor(n / 225) % 15].map((k) => SYLLABLES[k]!);
  return `${a}${b}${c}`.replace(/^./, (x) => x.toUpperCase());
};
const enrolled = (i: number) => i % 5 < 3; // 60% use an authenticator app; user 0 (the big account's owner) does

const started = performance.now();
const say = (what: string) => console.log(`[${((performance.now() - started) / 1000).toFixed(1)} s] ${what}`);

async function database(): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (process.env.DATABASE_URL) return { url: process.env.DATABASE_URL };
  const port = Number(process.env.SCALE_PG_PORT ?? 3990);
  const { server, seeded } = scaleCluster(port, "UTC", ["-c", "max_wal_size=4GB"]);
  const fresh = !seeded;
  if (fresh) await server.initialise();
  await server.start();
  if (fresh) await server.createDatabase("twofold");
  return { url: `postgres://postgres:postgres@127.0.0.1:${port}/twofold`, stop: () => server.stop() };
}

async function insertUsers(client: pg.Client, passwordHash: string) {
  for (let from = 0; from < USERS; from += BATCH) {
    const cols: (string | number | null)[][] = [[], [], [], [], [], []];
    for (let i = from; i < Math.min(USERS, from + BATCH); i++) {
      const id = `su${String(i).padStart(7, "0")}`;
      const first = FIRST[i % FIRST.length]!;
      // Scrambled by a prime, so the members of one account spread through the name order.
      const last = lastName(Math.floor((i * 7919) / FIRST.length) % 3375);
      cols[0]!.push(id);
      cols[1]!.push(
        `${first}.${last}.${i}@example.test`
          .normalize("NFD")
          .replace(/[^\x20-\x7e]/g, "")
          .toLowerCase(),
      );
      cols[2]!.push(`${first} ${last}`);
      cols[3]!.push(enrolled(i) ? seal(SECRETS[i % SECRETS.length]!, keys, totpSecretContext("totp", id)) : null);
      cols[4]!.push(enrolled(i) ? 1 : null);
      cols[5]!.push(i);
    }
    await client.query(
      `INSERT INTO "User" (id, email, name, "passwordHash", "createdAt", "updatedAt", "totpSecret", "totpEnabledAt")
       SELECT id, email, name, $7, now() - n * interval '1 minute', now(), secret,
         CASE WHEN on_ IS NULL THEN NULL ELSE now() - interval '30 days' END
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::int[]) AS t(id, email, name, secret, on_, n)`,
      [...cols, passwordHash],
    );
    if (from % 100_000 === 0) say(`users: ${from + BATCH}`);
  }
}

/** Ten recovery codes for each enrolled member of the big account, hashed as lib stores them. */
async function insertRecoveryCodes(client: pg.Client) {
  const ids: string[] = [];
  const users: string[] = [];
  const hashes: string[] = [];
  const last = Math.min(USERS, BIG_MEMBERS) - 1;
  for (let i = 0; i <= last; i++) {
    const userId = `su${String(i).padStart(7, "0")}`;
    for (let c = 0; enrolled(i) && c < 10; c++) {
      ids.push(`sk${i}_${c}`);
      users.push(userId);
      hashes.push(hashRecoveryCode(keys, userId, `seed${c}code${i}`));
    }
    if (ids.length >= BATCH * 5 || (i === last && ids.length)) {
      await client.query(
        `INSERT INTO "RecoveryCode" (id, "userId", "codeHash") SELECT * FROM unnest($1::text[], $2::text[], $3::text[])`,
        [ids.splice(0), users.splice(0), hashes.splice(0)],
      );
    }
  }
}

const { url, stop } = await database();
say(`database ${url.replace(/:[^:@/]+@/, ":***@")}`);
const factory = new PrismaPg({ connectionString: url, options: "-c TimeZone=UTC" });
say(`migrations applied: ${(await applyMigrations(factory)).length}`);
const client = new pg.Client({ connectionString: url });
await client.connect();
const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "User"`);
if (Number(rows[0]!.n) > 0) {
  say(`"User" already has ${rows[0]!.n} rows; nothing seeded (use an empty database).`);
} else {
  await client.query("SET synchronous_commit = off");
  await insertUsers(client, await hashPassword(SEED_PASSWORD));
  say("users done");
  await insertRecoveryCodes(client);
  say("recovery codes done");
  for (const [what, sql] of bulkStatements(USERS, ACCOUNTS)) {
    const result = await client.query(sql);
    say(`${what}: ${result.rowCount}`);
  }
  await client.query("VACUUM ANALYZE");
  say("vacuum analyze done");
}
await client.end();
if (process.argv.includes("--serve") && stop) {
  say(`serving ${url} until SIGTERM/SIGINT`);
  const end = () => void stop().then(() => process.exit(0));
  process.on("SIGTERM", end);
  process.on("SIGINT", end);
} else {
  await stop?.();
}
