// Review 11: attacks on the 2-statement second step (lib/auth/sign-in/step-claim, step-accept), the
// session grant, the background purge, keyset pages/search and the auth posts. Each test passes when
// the product withstood the attack (it runs on PGlite and on PostgreSQL east and west of UTC).
import { randomUUID } from "node:crypto";
import { describe, expect, it, vi } from "vitest";
import { listMembers } from "@/lib/accounts/member-list";
import { listAuditEvents } from "@/lib/audit-log";
import { AuditType } from "@/lib/audit";
import { resetMemberTwoFactor } from "@/lib/accounts/members";
import { changePassword } from "@/lib/auth/password";
import { findLiveSession } from "@/lib/auth/session-record";
import { hashPassword } from "@/lib/crypto/password";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { matchTotpStep, totpCode } from "@/lib/two-factor/totp";
import { checkPassword, grantSession, verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { createChallenge } from "@/lib/auth/sign-in/challenge";
import { acceptTotpStep } from "@/lib/auth/sign-in/step-accept";
import { claimSecondStepAttempt } from "@/lib/auth/sign-in/step-claim";
import { ErrorCode } from "@/lib/errors";
import { encodeCursor } from "@/lib/keyset-cursor";
import { purgeExpired } from "@/lib/purge";
import { secondFactorKey, verifySecondFactor } from "@/lib/two-factor/attempts";

import { CHALLENGE_COOKIE, jar, nextAuth, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import {
  auditTypes,
  makeUser,
  makeUserWithTwoFactor,
  meta,
  PASSWORD,
  setupNow,
  sessionNow,
  versionNow,
} from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const { prisma } = freshDatabasePerFile();
const MIN = 60_000;

async function signInAs() {
  const enrolled = await makeUserWithTwoFactor();
  const { token } = await checkPassword(enrolled.user.email, PASSWORD, meta);
  return { ...enrolled, token };
}
const challenges = async (user: { id: string }, n: number) => {
  const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
  return Promise.all(
    Array.from({ length: n }, () => createChallenge({ id: user.id, sessionVersion }, "verify", meta.ip)),
  );
};
const fulfilled = (results: PromiseSettledResult<unknown>[]) => results.filter((r) => r.status === "fulfilled");
const sessionsOf = (userId: string) => prisma().session.count({ where: { userId } });
const totp = (code: string) => ({ method: "totp" as const, code });
const grants = async (tokens: string[]) => {
  const results = await Promise.allSettled(tokens.map((t) => grantSession(t, meta)));
  return results.filter((r) => r.status === "fulfilled" && r.value !== null).length;
};

describe("races on the second step", () => {
  it("20 parallel correct codes on one challenge: one accepted, one session", async () => {
    const { user, token, nextCode } = await signInAs();
    const code = await nextCode();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () => verifyChallengeSecondFactor(token, totp(code), meta)),
    );
    expect(fulfilled(results)).toHaveLength(1);
    // Never more than the challenge's 5 evaluated (fewer when the winner satisfied it early).
    expect(
      (await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } })).attempts,
    ).toBeLessThanOrEqual(5);
    expect(await grants(Array.from({ length: 20 }, () => token))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it("the same TOTP code on two challenges of one user at once: one accepted (no replay)", async () => {
    for (let round = 0; round < 5; round++) {
      const { user, nextCode } = await makeUserWithTwoFactor();
      const [a, b] = await challenges(user, 2);
      const code = await nextCode();
      const results = await Promise.allSettled([
        verifyChallengeSecondFactor(a, totp(code), meta),
        verifyChallengeSecondFactor(b, totp(code), meta),
      ]);
      expect(fulfilled(results)).toHaveLength(1);
      expect(await grants([a!, b!])).toBe(1);
      expect(await sessionsOf(user.id)).toBe(1);
    }
  });

  it("the same recovery code on two challenges at once: one accepted, one code used, one email", async () => {
    for (let round = 0; round < 5; round++) {
      const { user, recoveryCodes } = await makeUserWithTwoFactor();
      const [a, b] = await challenges(user, 2);
      const proof = { method: "recovery" as const, code: recoveryCodes[round]! };
      const results = await Promise.allSettled([
        verifyChallengeSecondFactor(a, proof, meta),
        verifyChallengeSecondFactor(b, proof, meta),
      ]);
      expect(fulfilled(results)).toHaveLength(1);
      expect(await prisma().recoveryCode.count({ where: { userId: user.id, usedAt: { not: null } } })).toBe(1);
      const mails = await prisma().emailMessage.count({
        where: { to: user.email, subject: "A recovery code was used to sign in" },
      });
      expect(mails).toBe(1);
      expect(await grants([a!, b!])).toBe(1);
    }
  });

  it("a TOTP code and a recovery code on one challenge at once: still one session", async () => {
    const { user, token, nextCode, recoveryCodes } = await signInAs();
    await Promise.allSettled([
      verifyChallengeSecondFactor(token, totp(await nextCode()), meta),
      verifyChallengeSecondFactor(token, { method: "recovery", code: recoveryCodes[0]! }, meta),
    ]);
    expect(await grants([token, token, token])).toBe(1);
    expect(await sessionsOf(user.id)).toBe(1);
  });

  it("a wrong and a right code interleaved at the 5th attempt: never a 6th evaluation, session only if the right one won", async () => {
    for (let round = 0; round < 6; round++) {
      const { user, token, nextCode } = await signInAs();
      for (let i = 0; i < 4; i++) {
        await expect(verifyChallengeSecondFactor(token, totp("000000"), meta)).rejects.toBeTruthy();
      }
      const good = verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
      const bad = verifyChallengeSecondFactor(token, totp("000000"), meta);
      const [g, b] = await Promise.allSettled(round % 2 ? [good, bad] : [good, bad]);
      expect(b!.status).toBe("rejected");
      const challenge = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
      expect(challenge.attempts).toBe(5);
      const failed = (await auditTypes(user.id)).filter((t) => t === AuditType.twoFactorFailed).length;
      if (g!.status === "fulfilled") {
        expect(failed).toBe(4);
        expect(await grants([token])).toBe(1);
      } else {
        expect(failed).toBe(5);
        expect(challenge.satisfiedAt).toBeNull();
        expect(await grants([token])).toBe(0);
      }
    }
  });

  it("wrong codes across 8 challenges in parallel: never more than 10 evaluated in 15 minutes, then locked", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const tokens = await challenges(user, 8);
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) => verifyChallengeSecondFactor(tokens[i % 8], totp("000000"), meta)),
    );
    expect(fulfilled(results)).toHaveLength(0);
    const types = await auditTypes(user.id);
    expect(types.filter((t) => t === AuditType.twoFactorFailed)).toHaveLength(10);
    expect(types.filter((t) => t === AuditType.twoFactorLockout)).toHaveLength(1);
    // Even the right code on a fresh challenge is refused now, and says until when.
    const [fresh] = await challenges(user, 1);
    await expect(verifyChallengeSecondFactor(fresh, totp(await nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorLocked,
    });
    const row = await prisma().rateLimit.findUniqueOrThrow({ where: { key: secondFactorKey(user.id) } });
    expect((row.attempts as unknown[]).length).toBe(10);
  });

  it("a code accepted by a signed-in prompt is refused at sign-in, and the other way round, even in parallel", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const [a] = await challenges(user, 1);
    const first = await nextCode();
    await verifySecondFactor(user.id, totp(first), meta);
    await expect(verifyChallengeSecondFactor(a, totp(first), meta)).rejects.toMatchObject({
      code: ErrorCode.codeAlreadyUsed,
    });
    // Another user (only one newer step is inside the window): the two at once, one wins.
    for (let round = 0; round < 3; round++) {
      const other = await makeUserWithTwoFactor();
      const [b] = await challenges(other.user, 1);
      const code = await other.nextCode();
      const results = await Promise.allSettled([
        verifyChallengeSecondFactor(b, totp(code), meta),
        verifySecondFactor(other.user.id, totp(code), meta),
      ]);
      expect(fulfilled(results)).toHaveLength(1);
    }
  });

  it("right codes interleaved with wrong ones do not buy extra wrong guesses", async () => {
    const { user, nextCode } = await makeUserWithTwoFactor();
    const tokens = await challenges(user, 6);
    const codes = await Promise.all(Array.from({ length: 3 }, () => nextCode()));
    const work = [
      ...codes.map((c, i) => verifyChallengeSecondFactor(tokens[i], totp(c), meta)),
      ...Array.from({ length: 15 }, (_, i) => verifyChallengeSecondFactor(tokens[3 + (i % 3)], totp("000000"), meta)),
    ];
    await Promise.allSettled(work);
    const failed = (await auditTypes(user.id)).filter((t) => t === AuditType.twoFactorFailed).length;
    expect(failed).toBeLessThanOrEqual(10);
  });
});

describe("the password step and the grant, cut to fewer statements", () => {
  it("30 parallel wrong passwords for one email from one address: at most 10 checked, then even the right one is refused", async () => {
    const user = await makeUser("Target");
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => checkPassword(user.email, "wrong password guess", meta)),
    );
    expect(fulfilled(results)).toHaveLength(0);
    const failed = (await auditTypes(user.id)).filter((t) => t === AuditType.signInFailed).length;
    expect(failed).toBeLessThanOrEqual(10);
    await expect(checkPassword(user.email, PASSWORD, meta)).rejects.toMatchObject({ code: ErrorCode.rateLimited });
  });

  it("20 parallel grants of one challenge that needed no second factor: one session", async () => {
    const user = await makeUser("Plain");
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("none");
    expect(await grants(Array.from({ length: 20 }, () => token))).toBe(1);
    expect(await sessionsOf(user.id)).toBe(1);
  });
});

describe("dead challenges", () => {
  const refused = { code: ErrorCode.challengeExpired };

  it("expired, satisfied, granted or exhausted: refused, and nothing counted against the user", async () => {
    const { user, token, nextCode } = await signInAs();
    const id = (await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } })).id;
    await prisma().loginChallenge.update({ where: { id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject(refused);
    expect(await grants([token])).toBe(0);

    const live = await signInAs();
    await verifyChallengeSecondFactor(live.token, totp(await live.nextCode()), meta);
    // Satisfied: another code is refused (a second TOTP step is not consumed).
    await expect(verifyChallengeSecondFactor(live.token, totp(await live.nextCode()), meta)).rejects.toMatchObject(
      refused,
    );
    expect(await grants([live.token])).toBe(1);
    // Granted: the challenge is spent.
    await expect(verifyChallengeSecondFactor(live.token, totp(await live.nextCode()), meta)).rejects.toMatchObject(
      refused,
    );
    expect(await grants([live.token])).toBe(0);
    // No attempt of either user is left counted: the refused ones never reserved, the right one gave its back.
    for (const u of [user.id, live.user.id]) {
      const row = await prisma().rateLimit.findUnique({ where: { key: secondFactorKey(u) } });
      expect((row?.attempts ?? []) as unknown[]).toEqual([]);
    }
  });

  it("a password change between the steps kills the challenge, before or after the code", async () => {
    const { user, token, nextCode } = await signInAs();
    await changePassword(user.id, PASSWORD, "another long passphrase 123", meta, await sessionNow(user.id));
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).rejects.toMatchObject(refused);
    expect(await grants([token])).toBe(0);

    const later = await signInAs();
    await verifyChallengeSecondFactor(later.token, totp(await later.nextCode()), meta);
    await changePassword(later.user.id, PASSWORD, "another long passphrase 123", meta, await sessionNow(later.user.id));
    expect(await grants([later.token])).toBe(0);
    expect(await sessionsOf(later.user.id)).toBe(0);
  });

  it("a 2FA reset between the claim and the accept: the code may be spent but no session follows", async () => {
    const { user, token, nextCode } = await signInAs();
    const claim = (await claimSecondStepAttempt(token))!;
    await prisma().user.update({ where: { id: user.id }, data: { sessionVersion: { increment: 1 } } });
    const step = (await matchTotpStep(
      (await import("@/lib/two-factor/secret-store")).openTotpSecret(user.id, claim.totpSecret!),
      await nextCode(),
    ))!;
    await acceptTotpStep(claim, step);
    expect(await grants([token])).toBe(0);
    expect(await sessionsOf(user.id)).toBe(0);
  });

  it("an admin's Reset 2FA racing the member's second step: never a live session afterwards", async () => {
    const admin = await makeUserWithTwoFactor("Admin");
    const owner = admin.user;
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
    for (let round = 0; round < 4; round++) {
      const member = await prisma().user.create({
        data: { name: "Member", email: `member-${randomUUID()}@x.test`, passwordHash: await hashPassword(PASSWORD) },
      });
      const membership = await prisma().membership.create({
        data: { userId: member.id, accountId, role: "member" },
      });
      const { secret } = await beginEnrolment(member, await setupNow(member.id));
      await confirmEnrolment(member.id, await totpCode(secret), meta, await versionNow(member.id));
      const { token } = await checkPassword(member.email, PASSWORD, meta);
      const code = await totpCode(secret, Date.now() + 30_000);
      const [verified] = await Promise.allSettled([
        verifyChallengeSecondFactor(token, totp(code), meta),
        resetMemberTwoFactor(
          owner.id,
          accountId,
          membership.id,
          { method: "recovery", code: admin.recoveryCodes[round]! }, // a code each round: one TOTP step each
          meta,
        ),
      ]);
      const granted = verified.status === "fulfilled" ? await grantSession(token, meta) : null;
      if (granted) expect(await findLiveSession(granted.claims)).toBeNull();
      expect(await prisma().user.findUniqueOrThrow({ where: { id: member.id } })).toMatchObject({ totpSecret: null });
    }
  });

  it("another user's challenge proves only that user: my code on their challenge is refused", async () => {
    const me = await makeUserWithTwoFactor("Me");
    const them = await signInAs();
    await expect(verifyChallengeSecondFactor(them.token, totp(await me.nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.invalidCode,
    });
    expect(await grants([them.token])).toBe(0);
    expect(await sessionsOf(me.user.id)).toBe(0);
  });

  it("a guessed or tampered cookie (the row id, the stored hash, an edited token) finds nothing", async () => {
    const { user, token, nextCode } = await signInAs();
    const row = await prisma().loginChallenge.findFirstOrThrow({ where: { userId: user.id } });
    const code = await nextCode();
    const flipped = token.slice(0, -1) + (token.endsWith("A") ? "B" : "A");
    for (const forged of [row.id, row.tokenHash, flipped, token.toUpperCase(), `${token} `, "", "%00"]) {
      if (forged === token) continue;
      await expect(verifyChallengeSecondFactor(forged, totp(code), meta)).rejects.toMatchObject(refused);
      expect(await grantSession(forged, meta)).toBeNull();
    }
    expect((await prisma().loginChallenge.findUniqueOrThrow({ where: { id: row.id } })).attempts).toBe(0);
    // The real one still works with the same code: nothing above spent it.
    await expect(verifyChallengeSecondFactor(token, totp(code), meta)).resolves.toBeTruthy();
  });
});

describe("time windows, whatever the server's TimeZone", () => {
  it("a challenge 10 s from expiry works; 10 s past expiry is refused", async () => {
    const fresh = await signInAs();
    await prisma().loginChallenge.updateMany({
      where: { userId: fresh.user.id },
      data: { expiresAt: new Date(Date.now() + 10_000) },
    });
    await expect(verifyChallengeSecondFactor(fresh.token, totp(await fresh.nextCode()), meta)).resolves.toBeTruthy();
    const stale = await signInAs();
    await prisma().loginChallenge.updateMany({
      where: { userId: stale.user.id },
      data: { expiresAt: new Date(Date.now() - 10_000) },
    });
    await expect(verifyChallengeSecondFactor(stale.token, totp(await stale.nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.challengeExpired,
    });
  });

  it("10 failures 14 minutes ago still lock; 10 failures 16 minutes ago do not", async () => {
    for (const [ago, locked] of [
      [14 * MIN, true],
      [16 * MIN, false],
    ] as const) {
      const { user, token, nextCode } = await signInAs();
      const at = new Date(Date.now() - ago).toISOString();
      await prisma().rateLimit.create({
        data: {
          key: secondFactorKey(user.id),
          attempts: Array.from({ length: 10 }, (_, i) => ({ id: `old${i}`, at })),
          expiresAt: new Date(Date.now() - ago + 15 * MIN),
        },
      });
      const answer = verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
      if (locked) {
        const error = await answer.catch((e: unknown) => e);
        expect(error).toMatchObject({ code: ErrorCode.secondFactorLocked });
        const until = new Date((error as { details?: { until?: string } }).details?.until ?? 0).getTime();
        expect(Math.abs(until - (Date.now() - ago + 15 * MIN))).toBeLessThan(MIN);
      } else await expect(answer).resolves.toBeTruthy();
    }
  });
});

describe("the background purge keeps what is still needed", () => {
  it("a live challenge mid-sign-in, a lockout in its window, queued mail and a live session survive", async () => {
    const { token, nextCode } = await signInAs();
    const locked = await makeUserWithTwoFactor("Locked");
    const [lockedToken] = await challenges(locked.user, 1);
    const lockedTokens = await challenges(locked.user, 2);
    await Promise.allSettled(
      Array.from({ length: 10 }, (_, i) => verifyChallengeSecondFactor(lockedTokens[i % 2], totp("000000"), meta)),
    );
    const session = await signInAs();
    await verifyChallengeSecondFactor(session.token, totp(await session.nextCode()), meta);
    expect(await grants([session.token])).toBe(1);
    await prisma().emailMessage.create({
      data: { to: "later@x.test", subject: "s", text: "t", nextAttemptAt: new Date(Date.now() + 60 * MIN) },
    });
    // Run twice, the second time as an instance whose clock runs 2 minutes ahead.
    await purgeExpired(() => new Date(), { pauseMs: 0 });
    await purgeExpired(() => new Date(Date.now() + 2 * MIN), { pauseMs: 0 });
    await expect(verifyChallengeSecondFactor(token, totp(await nextCode()), meta)).resolves.toBeTruthy();
    await expect(verifyChallengeSecondFactor(lockedToken, totp(await locked.nextCode()), meta)).rejects.toMatchObject({
      code: ErrorCode.secondFactorLocked,
    });
    expect(await prisma().emailMessage.count({ where: { to: "later@x.test" } })).toBe(1);
    expect(await prisma().session.count({ where: { userId: session.user.id, revokedAt: null } })).toBe(1);
    expect(await grants([token])).toBe(1);
  });
});

describe("keyset pages and search", () => {
  async function accountWith(names: string[]) {
    const owner = await makeUser("Owner");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
    const tag = randomUUID().slice(0, 8);
    const users = names.map((name, i) => ({
      id: `r${tag}${i}`,
      name,
      email: `m${i}.${tag}@x.test`,
      passwordHash: "x",
    }));
    await prisma().user.createMany({ data: users });
    await prisma().membership.createMany({
      data: users.map((u) => ({ userId: u.id, accountId, role: "member" as const })),
    });
    return { accountId, owner };
  }

  it("a cursor taken from another account's pages shows nothing of that account", async () => {
    const theirs = await accountWith(Array.from({ length: 60 }, (_, i) => `Secret ${String(i).padStart(2, "0")}`));
    const mine = await accountWith(["Alice", "Zed"]);
    const theirPage = await listMembers(theirs.accountId);
    expect(theirPage.next).not.toBeNull();
    for (const cursor of [theirPage.next!, encodeCursor(["name", "", ""])]) {
      for (const page of [
        await listMembers(mine.accountId, { after: cursor }),
        await listMembers(mine.accountId, { before: cursor }),
      ]) {
        expect(page.members.some((m) => m.name.startsWith("Secret"))).toBe(false);
      }
    }
    const search = await listMembers(mine.accountId, { search: "secret" });
    expect(search.members).toEqual([]);
    const events = await listAuditEvents(mine.accountId, { after: encodeCursor([new Date().toISOString(), "zzz"]) });
    expect(events.events.every((e) => e.subject !== theirs.owner.email)).toBe(true);
  });

  it("LIKE wildcards are literal, and a hostile or huge search fails nothing", async () => {
    const { accountId } = await accountWith(["Alpha", "Beta"]);
    for (const search of ["%", "_", "\\", "%a", "_lpha", "[A-Z]*", "' OR 1=1 --", "a".repeat(100), "é".repeat(100)]) {
      const page = await listMembers(accountId, { search });
      expect(page.members).toEqual([]);
    }
    // Lone surrogates (from a crafted JSON cursor or URL) never reach the database: a search holding one
    // lists nothing and says why, and a cursor holding one is an edited link (the first page again).
    expect((await listMembers(accountId, { search: "a\ud800" })).members).toEqual([]);
    const edited = await listMembers(accountId, { after: encodeCursor(["name", "\ud800", "\udfff"]) });
    expect([edited.invalidCursor, edited.members.map((m) => m.name)]).toEqual([
      true,
      ["Alpha", "Beta", expect.any(String)],
    ]);
    await expect(
      listAuditEvents(accountId, { after: encodeCursor([new Date().toISOString(), "\ud800"]), type: "x\u0000" }),
    ).resolves.toMatchObject({ type: undefined });
    const huge = await listMembers(accountId, { search: "x".repeat(1_000_000) });
    expect([huge.members, huge.problem]).toEqual([[], "Search for at most 100 characters."]);
  });
});

describe("auth posts (next-auth's own endpoints)", () => {
  async function finishedChallenge() {
    const { user, token, nextCode } = await signInAs();
    await verifyChallengeSecondFactor(token, totp(await nextCode()), meta);
    jar.clear();
    jar.set(CHALLENGE_COOKIE, token);
    return user;
  }
  const csrf = async () => ((await nextAuth("GET", ["csrf"])).body as { csrfToken: string }).csrfToken;

  it("a cross-site post without the CSRF token (or with a forged one) finishes no sign-in", async () => {
    const user = await finishedChallenge();
    const bodies: Record<string, string>[] = [
      { json: "true" },
      { csrfToken: "forged", json: "true" },
      { csrfToken: "a|b", json: "true" },
    ];
    for (const body of bodies) {
      await nextAuth("POST", ["callback", "challenge"], body);
      expect(jar.has(SESSION_COOKIE)).toBe(false);
    }
    expect(await sessionsOf(user.id)).toBe(0);
    // The same browser's own post, with its token, still finishes it: nothing above spent the challenge.
    await nextAuth("POST", ["callback", "challenge"], { csrfToken: await csrf(), json: "true" });
    expect(jar.has(SESSION_COOKIE)).toBe(true);
  });

  it("a cross-site post without the CSRF token signs nobody out", async () => {
    const user = await finishedChallenge();
    await nextAuth("POST", ["callback", "challenge"], { csrfToken: await csrf(), json: "true" });
    const cookie = jar.get(SESSION_COOKIE)!;
    const csrfCookies = [...jar.keys()].filter((k) => k.includes("csrf"));
    for (const name of csrfCookies) jar.delete(name); // a cross-site request carries no Lax cookie of ours but the session's
    await nextAuth("POST", ["signout"], { json: "true" });
    await nextAuth("POST", ["signout"], { csrfToken: "forged", json: "true" });
    expect(jar.get(SESSION_COOKIE)).toBe(cookie);
    expect(await prisma().session.count({ where: { userId: user.id, revokedAt: null } })).toBe(1);
  });

  it("the callbackUrl is checked on the server: no redirect off the site after sign-in or sign-out", async () => {
    const hostile = [
      "https://evil.example/x",
      "//evil.example/x",
      "/\\evil.example/x",
      "\\\\evil.example",
      "https:evil.example",
      "http://localhost:3000@evil.example/",
      "/%2F%2Fevil.example",
      "javascript:alert(1)",
    ];
    for (const callbackUrl of hostile) {
      await finishedChallenge();
      const signIn = await nextAuth("POST", ["callback", "challenge"], {
        csrfToken: await csrf(),
        callbackUrl,
        json: "true",
      });
      const url = (signIn.body as { url?: string } | undefined)?.url ?? signIn.redirect ?? "";
      expect(new URL(url).origin).toBe("http://localhost:3000");
      const signOut = await nextAuth("POST", ["signout"], { csrfToken: await csrf(), callbackUrl, json: "true" });
      const to = (signOut.body as { url?: string } | undefined)?.url ?? signOut.redirect ?? "";
      expect(new URL(to).origin).toBe("http://localhost:3000");
    }
  });
});
