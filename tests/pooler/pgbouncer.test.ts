// The app through PgBouncer in transaction mode: each transaction may run on another server
// connection, so nothing may rely on session state (prepared statement names, SET, advisory locks).
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { AuditType } from "@/lib/audit";
import { redeemChallenge } from "@/lib/auth/sign-in/challenge";
import { checkPassword, signInWithSecondFactor, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { assertUtcSessions, setDatabase } from "@/lib/db";
import { postgresAdapter } from "@/lib/db/connection";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { queueMail, type Transport } from "@/lib/mail/outbox";
import { pollMail } from "@/lib/mail/poll";
import { reserveAttempt } from "@/lib/rate-limit";
import { acceptTotpCode } from "@/lib/two-factor/factors/totp";
import { makeUser, makeUserWithTwoFactor, meta, PASSWORD } from "../integration/fixtures";

let prisma: PrismaClient;
beforeAll(async () => {
  prisma = new PrismaClient({ adapter: await postgresAdapter(inject("pooledUrl"), { max: 20 }) });
  setDatabase(prisma);
});
afterAll(() => prisma.$disconnect());

describe("through PgBouncer (transaction mode)", () => {
  it("refuses the connection-time TimeZone pin unless the URL says ?pgbouncer=true", async () => {
    const pinned = new PrismaClient({
      adapter: await postgresAdapter(inject("pooledUrl").replace("?pgbouncer=true", "")),
    });
    await expect(pinned.$queryRaw`SELECT 1`).rejects.toThrow(/unsupported startup parameter|options/i);
    await pinned.$disconnect().catch(() => {});
    await expect(assertUtcSessions(prisma)).resolves.toBeUndefined();
  });

  it("signs in with password and code, refuses the code's replay, and grants the session once", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor("Pooled");
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("verify");
    const code = await nextCode();
    await verifyChallengeSecondFactor(token, { method: "totp", code }, meta);
    const results = await Promise.all([redeemChallenge(token), redeemChallenge(token), redeemChallenge(token)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await acceptTotpCode(user.id, code)).toEqual({ ok: false, reason: "replay" });
  });

  it("opens one session from five parallel submissions of a code that ends the sign-in (/login's step)", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor("PooledStep");
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const code = await nextCode();
    const results = await Promise.allSettled(
      Array.from({ length: 5 }, () => signInWithSecondFactor(token, { method: "totp", code }, meta)),
    );
    const signedIn = results.filter((r) => r.status === "fulfilled" && r.value.claims);
    expect(signedIn).toHaveLength(1);
    expect(await prisma.session.count({ where: { userId: user.id } })).toBe(1);
    expect(await prisma.auditEvent.count({ where: { subjectId: user.id, type: AuditType.signIn } })).toBeGreaterThan(0);
    expect(await redeemChallenge(token)).toBeNull();
  });

  it("accepts one of twenty parallel submissions of the same code", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor("Racer");
    const code = await nextCode();
    const results = await Promise.all(Array.from({ length: 20 }, () => acceptTotpCode(user.id, code)));
    expect(results.filter((r) => r.ok)).toHaveLength(1);
  });

  it("counts parallel rate-limit reservations exactly", async () => {
    const key = `pooler:${Date.now()}`;
    const results = await Promise.all(Array.from({ length: 30 }, () => reserveAttempt(key, 10, 60_000)));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it("runs interactive transactions (enforcement with its queued emails) and delivers each email once", async () => {
    const owner = await makeUserWithTwoFactor("PoolOwner");
    const { accountId } = await prisma.membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    const members = await Promise.all(Array.from({ length: 30 }, (_, i) => makeUser(`Pm${i}`)));
    await prisma.membership.createMany({
      data: members.map((m) => ({ userId: m.id, accountId, role: "member" as const })),
    });
    await enableEnforcement(owner.user.id, accountId, 0, meta); // one broadcast, expanded by the runs below
    await queueMail(members.map((m) => ({ to: m.email, subject: "Extra", text: "x" })));
    const sent: string[] = [];
    const transport: Transport = {
      outcome: "sent",
      keepBody: false,
      send: async (mail) => void sent.push(`${mail.to} ${mail.subject}`),
    };
    await Promise.all([pollMail(transport), pollMail(transport), pollMail(transport)]);
    const mine = sent.filter((line) => members.some((m) => line.startsWith(m.email)));
    expect(mine).toHaveLength(60);
    expect(new Set(mine).size).toBe(60);
  });
});
