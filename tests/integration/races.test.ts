// Checklist "Replay and races": each of these runs against PGlite and a real PostgreSQL server, where
// the 20 requests really run at once on separate connections.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { changeRole, removeMember } from "@/lib/accounts/members";
import { createChallenge } from "@/lib/auth/sign-in/challenge";
import { checkPassword, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { AuditType } from "@/lib/audit";
import { freshDatabasePerFile } from "./database";
import { auditTypes, makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";

const { prisma } = freshDatabasePerFile();
// Open sign-ins as after a correct password (each its own challenge, like 20 browsers).
const challenges = (user: { id: string }, n: number) =>
  Promise.all(Array.from({ length: n }, () => createChallenge({ id: user.id, sessionVersion: 1 }, "verify", meta.ip)));
const settle = <T>(work: () => Promise<T>) => Promise.allSettled(Array.from({ length: 20 }, work));

describe("parallel submissions", () => {
  it("20 parallel submissions of one valid code: exactly 1 succeeds", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const code = await nextCode();
    const tokens = await challenges(user, 20);
    let i = 0;
    const results = await settle(() => verifyChallengeSecondFactor(tokens[i++], { method: "totp", code }, meta));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
  });

  it("20 parallel submissions of one recovery code: exactly 1 succeeds", async () => {
    const { user, recoveryCodes } = await makeUserWithTwoFactor();
    const tokens = await challenges(user, 20);
    let i = 0;
    const results = await settle(() =>
      verifyChallengeSecondFactor(tokens[i++], { method: "recovery", code: recoveryCodes[0]! }, meta),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
  });

  it("20 parallel wrong codes on one challenge: 5 are evaluated, the rest refused, one exhaustion event", async () => {
    const { user } = await makeUserWithTwoFactor();
    const { token } = await checkPassword(user.email, PASSWORD, meta);
    const results = await settle(() => verifyChallengeSecondFactor(token, { method: "totp", code: "000000" }, meta));
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    const challenge = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    expect(challenge.attempts).toBe(5);
    const types = await auditTypes(user.id);
    expect(types.filter((t) => t === AuditType.twoFactorFailed)).toHaveLength(5);
    expect(types.filter((t) => t === AuditType.challengeExhausted)).toHaveLength(1);
  });

  it("20 parallel wrong codes across challenges cannot pass the per-user limit of 10", async () => {
    const { user } = await makeUserWithTwoFactor();
    const tokens = await challenges(user, 5);
    let i = 0;
    await settle(() => verifyChallengeSecondFactor(tokens[i++ % 5], { method: "totp", code: "000000" }, meta));
    const types = await auditTypes(user.id);
    expect(types.filter((t) => t === AuditType.twoFactorFailed)).toHaveLength(10);
    expect(types.filter((t) => t === AuditType.twoFactorLockout)).toHaveLength(1);
  });
});

describe("an account always keeps an owner", () => {
  /** A fresh account with two owners, X and Y (no password needed: lib is called directly). */
  async function twoOwners() {
    const { id: accountId } = await prisma().account.create({ data: { name: "Co-owned" } });
    const person = (name: string) =>
      prisma().user.create({ data: { name, email: `${name}-${randomUUID()}@example.com`, passwordHash: "-" } });
    const [x, y] = await Promise.all([person("x"), person("y")]);
    const mx = await prisma().membership.create({ data: { userId: x.id, accountId, role: "owner" } });
    const my = await prisma().membership.create({ data: { userId: y.id, accountId, role: "owner" } });
    return { x, y, accountId, mx, my };
  }
  const owners = (accountId: string) => prisma().membership.count({ where: { accountId, role: "owner" } });
  const ROUNDS = 50;

  it(`"demote me" and "demote my co-owner" sent together, ${ROUNDS} times: an owner always remains`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { x, accountId, mx, my } = await twoOwners();
      const results = await Promise.allSettled([
        changeRole(x.id, accountId, mx.id, "admin", meta),
        changeRole(x.id, accountId, my.id, "admin", meta),
      ]);
      expect(await owners(accountId)).toBe(1);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    }
  });

  it(`two owners demoting or removing each other at once, ${ROUNDS} times: an owner always remains`, async () => {
    for (let i = 0; i < ROUNDS; i++) {
      const { x, y, accountId, mx, my } = await twoOwners();
      await Promise.allSettled([
        i % 2 ? removeMember(x.id, accountId, my.id, meta) : changeRole(x.id, accountId, my.id, "member", meta),
        changeRole(y.id, accountId, mx.id, "member", meta),
        removeMember(x.id, accountId, mx.id, meta),
      ]);
      expect(await owners(accountId)).toBe(1);
    }
  });
});
