// `npm run bench`: the second-factor verification path and sign-in on the embedded database, and
// each page's first-load JavaScript from the production build. Prints a Markdown table; the figures
// measured on the project's machines are kept in docs/benchmarks.md.
import { readdirSync, readFileSync, existsSync } from "node:fs";
import path from "node:path";
import { gzipSync } from "node:zlib";
import { performance } from "node:perf_hooks";

process.env.NEXTAUTH_SECRET ??= "bench-secret-bench-secret-bench-secret-00";
process.env.TOTP_ENCRYPTION_KEY ??= Buffer.alloc(32, 3).toString("base64");

const meta = { ip: "198.51.100.1", userAgent: "bench", origin: "http://localhost:3000" };

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { n: sorted.length, p50: at(0.5), p95: at(0.95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length };
}

async function timed<T>(work: () => Promise<T>): Promise<[number, T]> {
  const start = performance.now();
  const value = await work();
  return [performance.now() - start, value];
}

async function serverPaths() {
  const { PGlite } = await import("@electric-sql/pglite");
  const { PrismaPGlite } = await import("pglite-prisma-adapter");
  const { PrismaClient } = await import("../lib/generated/prisma/client");
  const { applyMigrations } = await import("../lib/db/migrations");
  const { setDatabase } = await import("../lib/db");
  const pglite = await PGlite.create();
  const factory = new PrismaPGlite(pglite);
  await applyMigrations(factory);
  setDatabase(new PrismaClient({ adapter: factory }));

  const { createUserWithAccount } = await import("../lib/auth/users");
  const { checkPassword, verifyChallengeSecondFactor } = await import("../lib/auth/sign-in");
  const { createChallenge, redeemChallenge } = await import("../lib/auth/sign-in/challenge");
  const { beginEnrolment, confirmEnrolment } = await import("../lib/two-factor/factors/totp-enrolment");
  const { totpCode } = await import("../lib/two-factor/totp");

  const users = [];
  for (let i = 0; i < 60; i++) {
    const user = await createUserWithAccount({
      name: `B${i}`,
      email: `bench${i}@example.com`,
      password: "bench password 123",
    });
    const { secret } = await beginEnrolment(user);
    const { recoveryCodes } = await confirmEnrolment(user.id, await totpCode(secret), meta);
    users.push({ user, secret, recoveryCodes });
  }
  const rows: [string, ReturnType<typeof stats>][] = [];

  // The second factor: challenge lookup, attempt reservations, decrypt, TOTP check, replay CAS, audit-free success.
  const totp: number[] = [];
  for (const { user, secret } of users) {
    const token = await createChallenge({ id: user.id, sessionVersion: 1 }, "verify", meta.ip);
    const code = await totpCode(secret, Date.now() + 30_000);
    totp.push((await timed(() => verifyChallengeSecondFactor(token, { method: "totp", code }, meta)))[0]);
  }
  rows.push(["second factor: TOTP code accepted (verifyChallengeSecondFactor)", stats(totp)]);

  const wrong: number[] = [];
  for (const { user } of users.slice(0, 30)) {
    const token = await createChallenge({ id: user.id, sessionVersion: 1 }, "verify", meta.ip);
    wrong.push(
      (
        await timed(() =>
          verifyChallengeSecondFactor(token, { method: "totp", code: "000000" }, meta).catch(() => null),
        )
      )[0],
    );
  }
  rows.push(["second factor: wrong code refused (with its audit event)", stats(wrong)]);

  const recovery: number[] = [];
  for (const { user, recoveryCodes } of users.slice(30)) {
    const token = await createChallenge({ id: user.id, sessionVersion: 1 }, "verify", meta.ip);
    recovery.push(
      (await timed(() => verifyChallengeSecondFactor(token, { method: "recovery", code: recoveryCodes[0]! }, meta)))[0],
    );
  }
  rows.push(["second factor: recovery code accepted (incl. audit + mail log)", stats(recovery)]);

  const signIn: number[] = [];
  for (let i = 0; i < 20; i++) {
    const email = `plain${i}@example.com`;
    await createUserWithAccount({ name: "P", email, password: "bench password 123" });
    signIn.push(
      (await timed(async () => redeemChallenge((await checkPassword(email, "bench password 123", meta)).token)))[0],
    );
  }
  rows.push(["sign-in without 2FA: password (argon2id) + challenge + session grant", stats(signIn)]);

  // What every page, route handler and server action runs: the session record, its user and the
  // accounts enforcing 2FA in one query, then the 2FA rule (lastSeenAt written at most once a minute).
  const { openSession, findLiveSession } = await import("../lib/auth/session-record");
  const sessions = await Promise.all(
    users.map(async ({ user }) => ({ user, record: await openSession({ id: user.id, sessionVersion: 1 }, meta) })),
  );
  const check: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const { user, record } of sessions) {
      check.push((await timed(() => findLiveSession({ sid: record.id, uid: user.id, sv: 1 })))[0]);
    }
  }
  rows.push(["per-request session check (findLiveSession: record + user + 2FA rule)", stats(check)]);
  await pglite.close();
  return rows;
}

function firstLoadJs() {
  const root = ".next";
  if (!existsSync(path.join(root, "build-manifest.json"))) return null;
  const build = JSON.parse(readFileSync(path.join(root, "build-manifest.json"), "utf8")) as { rootMainFiles: string[] };
  const pages: [string, number, number][] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "page_client-reference-manifest.js") {
        const source = readFileSync(full, "utf8");
        const files = new Set(build.rootMainFiles);
        for (const match of source.matchAll(/"entryJSFiles":(\{[^}]*\})/g)) {
          for (const list of Object.values(JSON.parse(match[1]!) as Record<string, string[]>))
            list.forEach((f) => files.add(f));
        }
        let raw = 0;
        let gz = 0;
        for (const file of files) {
          const bytes = readFileSync(path.join(root, file));
          raw += bytes.length;
          gz += gzipSync(bytes).length;
        }
        const route = path
          .dirname(path.relative(path.join(root, "server/app"), full))
          .replace(/\([^)]*\)\/?/g, "")
          .replace(/^\.$/, "");
        pages.push([`/${route}`.replace(/\/+/g, "/").replace(/(.)\/$/, "$1"), raw, gz]);
      }
    }
  };
  walk(path.join(root, "server/app"));
  return pages.sort((a, b) => a[0].localeCompare(b[0]));
}

const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
const rows = await serverPaths();
console.log("| path (PGlite, in-process) | n | p50 | p95 | mean |\n| --- | --- | --- | --- | --- |");
for (const [name, s] of rows) console.log(`| ${name} | ${s.n} | ${fmt(s.p50)} | ${fmt(s.p95)} | ${fmt(s.mean)} |`);
const pages = firstLoadJs();
if (pages) {
  console.log("\n| page | first-load JS | gzipped |\n| --- | --- | --- |");
  for (const [route, raw, gz] of pages)
    console.log(`| ${route} | ${(raw / 1024).toFixed(0)} KiB | ${(gz / 1024).toFixed(0)} KiB |`);
} else {
  console.log("\n(no production build: run `npm run build` first for first-load JS figures)");
}
