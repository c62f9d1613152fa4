// The background purge: expired rows go, live rows stay (on PGlite and on PostgreSQL servers east and
// west of UTC: the cut-off is a JS Date, never the server's clock or zone), in batches. The purge lock
// (several server instances) is proven in postgres-only/purge-lock.test.ts.
import { describe, expect, it } from "vitest";
import { purgeBatch, purgeExpired, purgeTargets, PURGE_BATCH } from "@/lib/purge";
import { freshDatabasePerFile } from "./database";
import { makeUser } from "./fixtures";

const { prisma } = freshDatabasePerFile();
const MIN = 60_000;
const DAY = 86_400_000;

/** One expired and one live row in each purged table, around `now`; returns the live ids. */
async function seed(now: Date) {
  const user = await makeUser("Purge");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: user.id } });
  const at = (ms: number) => new Date(now.getTime() + ms);
  const p = prisma();
  for (const [tag, expiresAt] of [
    ["old", at(-MIN)],
    ["live", at(MIN)],
  ] as const) {
    const challenge = await p.loginChallenge.create({
      data: {
        id: `${tag}-c`,
        tokenHash: `${tag}-c`,
        userId: user.id,
        userVersion: 0,
        requirement: "verify",
        expiresAt,
      },
    });
    await p.webAuthnCeremony.create({
      data: {
        id: `${tag}-w`,
        userId: user.id,
        purpose: "sign-in",
        challenge: `${tag}-w`,
        expiresAt,
        loginChallengeId: challenge.id,
      },
    });
    await p.rateLimit.create({ data: { key: `${tag}-r`, expiresAt } });
    await p.passwordResetToken.create({
      data: { id: `${tag}-p`, userId: user.id, tokenHash: `${tag}-p`, userVersion: 0, expiresAt, usedAt: at(-2 * MIN) },
    });
    await p.invitation.create({
      data: { id: `${tag}-i`, accountId, email: `${tag}@x.test`, role: "member", tokenHash: `${tag}-i`, expiresAt },
    });
    await p.pendingSignup.create({
      data: { id: `${tag}-s`, email: "s@x.test", name: "S", passwordHash: "x", tokenHash: `${tag}-s`, expiresAt },
    });
    await p.session.create({ data: { id: `${tag}-session`, userId: user.id, userVersion: 0, expiresAt } });
    await p.rememberedDevice.create({
      data: { id: `${tag}-d`, userId: user.id, tokenHash: `${tag}-d`, userVersion: 0, expiresAt },
    });
  }
  // Mail: sent 31 days ago goes, sent 29 days ago stays, queued stays however old.
  await p.emailMessage.createMany({
    data: [
      { id: "old-m", to: "a@x.test", subject: "s", text: "", status: "sent", sentAt: at(-31 * DAY) },
      { id: "live-m", to: "a@x.test", subject: "s", text: "", status: "sent", sentAt: at(-29 * DAY) },
      { id: "live-q", to: "a@x.test", subject: "s", text: "", status: "queued", nextAttemptAt: at(-60 * DAY) },
    ],
  });
  // A broadcast goes with the mail it wrote; one still expanding stays.
  await p.mailBroadcast.createMany({
    data: [
      { id: "old-b", accountId, audience: "others", subject: "s", text: "", doneAt: at(-31 * DAY) },
      { id: "live-b", accountId, audience: "others", subject: "s", text: "", doneAt: at(-29 * DAY) },
      { id: "live-bq", accountId, audience: "others", subject: "s", text: "", createdAt: at(-60 * DAY) },
    ],
  });
  return user;
}

async function ids() {
  const p = prisma();
  const rows = await Promise.all([
    p.loginChallenge.findMany({ select: { id: true } }),
    p.webAuthnCeremony.findMany({ select: { id: true } }),
    p.rateLimit.findMany({ select: { key: true }, where: { key: { contains: "-r" } } }),
    p.passwordResetToken.findMany({ select: { id: true } }),
    p.invitation.findMany({ select: { id: true } }),
    p.pendingSignup.findMany({ select: { id: true } }),
    p.session.findMany({ select: { id: true } }),
    p.rememberedDevice.findMany({ select: { id: true } }),
    p.emailMessage.findMany({ select: { id: true }, where: { to: "a@x.test" } }),
    p.mailBroadcast.findMany({ select: { id: true } }),
  ]);
  return rows
    .flat()
    .map((r) => ("id" in r ? r.id : r.key))
    .sort();
}

describe("purge", () => {
  it("deletes what expired before now and keeps what is still live", async () => {
    const now = new Date();
    await seed(now);
    expect((await ids()).filter((id) => id.startsWith("old"))).toHaveLength(10);
    await purgeExpired(() => now, { pauseMs: 0 });
    expect(await ids()).toEqual(
      [
        ...["live-c", "live-w", "live-r", "live-p", "live-i", "live-s", "live-session", "live-d", "live-m", "live-q"],
        ...["live-b", "live-bq"],
      ].sort(),
    );
    // A minute later the live ones have expired too (except mail, kept for its retention).
    await purgeExpired(() => new Date(now.getTime() + 2 * MIN), { pauseMs: 0 });
    expect(await ids()).toEqual(["live-b", "live-bq", "live-m", "live-q"]);
  });

  it("deletes in batches of PURGE_BATCH and finishes a backlog over several batches", async () => {
    const target = purgeTargets.find((t) => t.table === "RateLimit")!;
    const past = new Date(Date.now() - DAY);
    await prisma().rateLimit.createMany({
      data: Array.from({ length: PURGE_BATCH + 5 }, (_, i) => ({ key: `bulk-${i}`, expiresAt: past })),
    });
    expect(await purgeBatch(target, new Date())).toBe(PURGE_BATCH);
    // The rest (and any other counter of this file's sign-ups that has expired by now).
    expect(await purgeBatch(target, new Date())).toBeGreaterThanOrEqual(5);
    expect(await prisma().rateLimit.count({ where: { key: { startsWith: "bulk-" } } })).toBe(0);
  });
});
