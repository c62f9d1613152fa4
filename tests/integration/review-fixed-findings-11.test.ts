// Review 11 findings, each failing before its fix (the attacks the product withstood are in
// review-second-step.test.ts). Fixed: U+0000 is refused at the boundary (cursors, search, server
// action input, names) and audit cursors must be instants PostgreSQL holds; the recovery step locks the
// user's unused codes in id order before counting them.
//
// 1. (Low) A NUL character in the members search (?q=a%00b) or in a members/audit-log cursor, or an
//    audit-log cursor dated year 0 or before 4713 BC, reaches PostgreSQL and fails the query: the
//    page answers HTTP 500 "Something went wrong … if the database is unreachable" (seen in the
//    production build). lib/keyset-cursor.ts accepts any string part; lib/audit-log.ts only checks
//    `new Date()` is a number; lib/accounts/member-list.ts passes the search on as is.
// 2. (Low) Two different recovery codes used at once (two sign-ins): both emails and both audit events
//    say 9 codes remain when 8 do (for the last two codes: "1 remains" twice, never "0, generate new
//    ones"). lib/auth/sign-in/step-accept.ts counts "remaining" in the statement's snapshot, which
//    does not see the other statement's update of another row. PostgreSQL only (PGlite serialises).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { listMembers } from "@/lib/accounts/member-list";
import { listAuditEvents } from "@/lib/audit-log";
import { verifyChallengeSecondFactor } from "@/lib/auth/sign-in";
import { createChallenge } from "@/lib/auth/sign-in/challenge";
import { encodeCursor } from "@/lib/keyset-cursor";
import { freshDatabasePerFile } from "./database";
import { makeUser, makeUserWithTwoFactor, meta } from "./fixtures";

const { prisma } = freshDatabasePerFile();

async function account() {
  const owner = await makeUser("Owner");
  const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.id } });
  return accountId;
}

describe("crafted input never makes the members list / audit log throw (HTTP 500)", () => {
  it("members search with a NUL character", async () => {
    const accountId = await account();
    await expect(listMembers(accountId, { search: "a\u0000b" })).resolves.toMatchObject({ members: [] });
  });
  it("members cursor with a NUL character", async () => {
    const accountId = await account();
    await expect(listMembers(accountId, { after: encodeCursor(["name", "a\u0000", "b"]) })).resolves.toBeTruthy();
  });
  it("audit cursor with a NUL in the id part", async () => {
    const accountId = await account();
    await expect(
      listAuditEvents(accountId, { after: encodeCursor([new Date().toISOString(), "\u0000"]) }),
    ).resolves.toBeTruthy();
  });
  for (const date of [
    "0000-01-01T00:00:00.000Z",
    "-100000-01-01T00:00:00.000Z",
    "+200000-01-01T00:00:00.000Z",
    "-004713-01-01T00:00:00.000Z",
  ]) {
    it(`audit cursor dated ${date}`, async () => {
      const accountId = await account();
      await expect(listAuditEvents(accountId, { after: encodeCursor([date, randomUUID()]) })).resolves.toBeTruthy();
    });
  }
});

describe("the recovery-code email and audit count what remains when two codes are used at once", () => {
  it("two different codes on two sign-ins at once: one says 9 remain, the other 8", async () => {
    const counts: number[][] = [];
    for (let round = 0; round < 8; round++) {
      const { user, recoveryCodes } = await makeUserWithTwoFactor();
      const { sessionVersion } = await prisma().user.findUniqueOrThrow({ where: { id: user.id } });
      const [a, b] = await Promise.all(
        [0, 1].map(() => createChallenge({ id: user.id, sessionVersion }, "verify", meta.ip)),
      );
      const results = await Promise.all(
        [a, b].map((token, i) =>
          verifyChallengeSecondFactor(token, { method: "recovery", code: recoveryCodes[i]! }, meta),
        ),
      );
      counts.push(results.map((r) => (r.result as { remaining: number }).remaining).sort());
      const mails = await prisma().emailMessage.findMany({
        where: { to: user.email, subject: "A recovery code was used to sign in" },
      });
      expect(mails.some((m) => m.text.includes("8 unused codes remain"))).toBe(true);
    }
    expect(counts).toEqual(Array.from({ length: 8 }, () => [8, 9]));
  });
});
