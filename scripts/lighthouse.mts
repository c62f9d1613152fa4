// `npm run lighthouse` (after `npm run build`): mobile Lighthouse (its default: an emulated phone on a
// throttled network and CPU) in the system Chromium, against the production server (server.mjs) on a
// fresh embedded database. An admin seeded through lib/ signs in over HTTP as the browser does, and
// its session cookie is sent with the signed-in pages. Prints the table kept in docs/benchmarks.md,
// then every audit that cost a point. Ports: E2E_PORT_BASE + 20 (app) and + 21 (Chromium's DevTools).
//   npm run lighthouse -- [--page /login ...] [--runs 1] [--cpu-slowdown 4] [--save <folder>]
// --save keeps each run's whole report (Lighthouse's JSON) in the folder, to see which tasks blocked.
// The CPU benchmark index is printed with the metrics: on a busy machine (an index in the hundreds)
// Total Blocking Time measures the neighbours, and --cpu-slowdown 1 is Lighthouse's advice for it.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { auditPage, type PageAudit } from "./lighthouse/audit.mts";

const PAGES = ["/login", "/signup", "/profile", "/settings/users", "/settings/authentication"];
const SIGNED_OUT = new Set(["/login", "/signup"]);
const SECRETS = {
  NEXTAUTH_SECRET: "lighthouse-secret-lighthouse-secret-0123",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 5).toString("base64"),
};
Object.assign(process.env, SECRETS, { LOG_LEVEL: "error" });

const { values: flags } = parseArgs({
  options: {
    page: { type: "string", multiple: true },
    runs: { type: "string", default: "1" },
    "cpu-slowdown": { type: "string", default: "4" },
    save: { type: "string" },
  },
});
const pages = flags.page?.length ? flags.page : PAGES;
const runs = Math.max(1, Number(flags.runs) || 1);
const cpuSlowdown = Math.max(1, Number(flags["cpu-slowdown"]) || 4);
if (!existsSync(".next/BUILD_ID")) {
  console.error("No production build: run `npm run build` first.");
  process.exit(2);
}
const portBase = Number(process.env.E2E_PORT_BASE ?? 3210);
const [appPort, chromePort] = [portBase + 20, portBase + 21];
const base = `http://127.0.0.1:${appPort}`;
const work = mkdtempSync(path.join(os.tmpdir(), "twofold-lighthouse-"));
const chromium = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (flags.save) mkdirSync(flags.save, { recursive: true });

const { PrismaClient } = await import("../lib/generated/prisma/client");
const { setDatabase } = await import("../lib/db");
const { openDatabase, transactionOptions } = await import("../lib/db/connection");
const { applyMigrations } = await import("../lib/db/migrations");
const { serverAction } = await import("../tests/e2e/build-manifest");
const { seed } = await import("./load/seed");
const { Browser } = await import("./load/http");
const { signInJourney, UserPool } = await import("./load/journeys");

async function until(what: string, ready: () => Promise<boolean>, seconds = 120) {
  for (let waited = 0; waited < seconds * 2; waited++) {
    if (await ready().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${what} did not start within ${seconds} s.`);
}

/** An account "Load Co" with members, its admins enrolled in 2FA; the embedded database is then closed. */
async function seeded(dir: string) {
  const database = await openDatabase({ kind: "pglite", dir });
  await applyMigrations(database.factory);
  const prisma = new PrismaClient({ adapter: database.factory, transactionOptions });
  setDatabase(prisma);
  const { accountId, users } = await seed({ withTwoFactor: 12, toEnrol: 4, admins: 2 });
  await prisma.$disconnect();
  await database.close(); // the server opens the folder next
  return { accountId, admin: users.find((u) => u.admin)! };
}

/** The admin's cookies after a real sign-in: password, TOTP code, next-auth's session, Load Co chosen. */
async function signedInCookie(accountId: string, admin: Awaited<ReturnType<typeof seeded>>["admin"]) {
  const ids = Object.fromEntries(
    (["startLoginEnrolment", "finishLoginEnrolment"] as const).map((n) => [n, serverAction(n).id]),
  ) as Parameters<typeof signInJourney>[2];
  const browser = new Browser(base, "198.51.100.7", 30_000);
  const user = await new UserPool([admin]).take(Date.now() + 60_000);
  await signInJourney(browser, user!, ids, accountId, { signedIn: false, enrolled: false });
  return ["next-auth.session-token", "twofold.account"].map((n) => `${n}=${browser.cookie(n)}`).join("; ");
}

const children: ChildProcess[] = [];
async function cleanup() {
  const exited = children.map((child) => new Promise((done) => child.exitCode !== null || child.once("exit", done)));
  for (const child of children) child.kill("SIGTERM");
  await Promise.all(exited);
  rmSync(work, { recursive: true, force: true, maxRetries: 5 });
}
process.on("SIGINT", () => void cleanup().then(() => process.exit(130)));

try {
  const dir = path.join(work, "pglite");
  const { accountId, admin } = await seeded(dir);
  const app = spawn("node", ["server.mjs", "-p", String(appPort), "-H", "127.0.0.1"], {
    env: { ...process.env, ...SECRETS, DATABASE_URL: `pglite:${dir}`, NEXTAUTH_URL: base, TRUSTED_PROXY_HOPS: "1" },
    stdio: ["ignore", "ignore", "inherit"],
  });
  children.push(app);
  app.on("exit", (code) => code && (console.error(`The app server stopped (exit ${code}).`), process.exit(1)));
  await until("The app server", () => fetch(`${base}/api/health`).then((r) => r.ok));
  const cookie = await signedInCookie(accountId, admin);

  const browser = spawn(
    chromium,
    [
      "--headless=new",
      "--no-sandbox",
      "--disable-gpu",
      "--no-first-run",
      `--remote-debugging-port=${chromePort}`,
    ].concat([`--user-data-dir=${path.join(work, "chromium")}`, "about:blank"]),
    { stdio: "ignore" },
  );
  children.push(browser);
  await until("Chromium", () => fetch(`http://127.0.0.1:${chromePort}/json/version`).then((r) => r.ok), 30);

  const scoreRows: string[] = [];
  const metricRows: string[] = [];
  for (const page of pages) {
    const audits: PageAudit[] = [];
    for (let run = 0; run < runs; run++) {
      const save = flags.save && path.join(flags.save, `${page.slice(1).replaceAll("/", "_")}-${run + 1}.json`);
      const pageCookie = SIGNED_OUT.has(page) ? undefined : cookie;
      audits.push(await auditPage(`${base}${page}`, chromePort, { cookie: pageCookie, cpuSlowdown, save }));
    }
    // The run with the median performance score stands for the page (Lighthouse's advice on variance).
    const median = audits.sort((a, b) => a.scores[0]! - b.scores[0]!)[Math.floor(audits.length / 2)]!;
    scoreRows.push(`| ${page} | ${median.scores.join(" | ")} |`);
    const m = median.metrics;
    metricRows.push(`| ${page} | ${m.FCP} | ${m.LCP} | ${m.TBT} | ${m.CLS} | ${m.SI} | ${median.benchmarkIndex} |`);
    for (const line of median.lost) console.error(`${page} lost points on ${line}`);
  }
  console.log(
    `\n| page (mobile, median of ${runs}, CPU ×${cpuSlowdown}) | performance | accessibility | best practices | SEO |`,
  );
  console.log(`| --- | --- | --- | --- | --- |\n${scoreRows.join("\n")}`);
  console.log("\n| page | FCP | LCP | TBT | CLS | Speed Index | CPU benchmark index |");
  console.log(`| --- | --- | --- | --- | --- | --- | --- |\n${metricRows.join("\n")}`);
} finally {
  await cleanup();
}
process.exit(0);
