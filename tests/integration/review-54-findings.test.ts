// Findings of review 54 (2026-12-06), on ea3ab1d (the second step at /login ends the sign-in).
// Each test fails on the code as reviewed; the expectations are what the product should answer.
//
// Finding 1: the statement that accepts the code (lib/auth/sign-in/step-accept.ts `satisfied`, with the
// `signIn` meta) spends the challenge and opens the session without asking again whether the challenge
// is still issued under the user's session version (nor whether it is still unexpired). Only the claim,
// the step's first statement, asked. spendSatisfiedChallenge (the old exchange, lib/auth/sign-in/
// challenge.ts) asked both, in the statement that spent the challenge. So a password change (or any
// change that bumps the version and leaves the code valid: a password reset, a security key added or
// removed) that lands while the code is being checked no longer stops the sign-in where it stopped
// before: the answer says `signedIn: true` with a session cookie, a Session row is opened and `sign_in`
// is audited in each of the user's accounts, after `password_changed`. The cookie names a record under
// the old version, so it signs nobody in: the audit log (and the answer) report a sign-in that the
// password change refused. The interleaving is made by running the change inside matchTotpStep, which
// the step calls between its two statements (the claim and the accept).
import { beforeEach, describe, expect, it, vi } from "vitest";
import { AuditType } from "@/lib/audit";
import { changePassword } from "@/lib/auth/password";
import { jar, SESSION_COOKIE, signedInWith, submitPassword, submitSecondFactor } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, PASSWORD, meta, sessionNow } from "./fixtures";

const between = vi.hoisted(() => ({ claimAndAccept: undefined as undefined | (() => Promise<void>) }));

vi.mock("@/lib/two-factor/totp", async (importOriginal) => {
  const original = await importOriginal<typeof import("@/lib/two-factor/totp")>();
  return {
    ...original,
    matchTotpStep: async (...args: Parameters<typeof original.matchTotpStep>) => {
      const step = await original.matchTotpStep(...args);
      const change = between.claimAndAccept;
      between.claimAndAccept = undefined;
      if (change) await change();
      return step;
    },
  };
});
vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);

const { prisma } = freshDatabasePerFile();
beforeEach(() => {
  jar.clear();
  between.claimAndAccept = undefined;
});

describe("finding 1: the accept that ends the sign-in does not re-check the challenge's session version", () => {
  it("a password change while the code is checked: the answer claims no sign-in and no sign_in is audited", async () => {
    const grace = await makeUserWithTwoFactor("Grace");
    // An intruder with Grace's (phished) password and a code passes the password step…
    const step1 = await submitPassword({ email: grace.user.email, password: PASSWORD });
    expect(step1.data?.requirement).toBe("verify");
    // …and while its code is being checked, Grace changes her password in her own browser.
    between.claimAndAccept = async () => {
      await changePassword(
        grace.user.id,
        PASSWORD,
        "another long passphrase 123",
        meta,
        await sessionNow(grace.user.id),
      );
    };
    const answer = await submitSecondFactor({ method: "totp", code: await grace.nextCode() });
    expect(between.claimAndAccept).toBeUndefined(); // the change ran between the claim and the accept

    const signedIn = await signedInWith(jar.get(SESSION_COOKIE));
    expect(signedIn).toBe(false); // the session is dead (version), as intended
    // What the answer says should match what the cookie does (before: no session, and the page said
    // "Sign-in could not be completed. Please sign in again.").
    expect.soft(answer.ok && answer.data?.signedIn).toBe(signedIn);
    // No sign-in after the change in the audit log, and no session record for a refused sign-in.
    const events = await prisma().auditEvent.findMany({
      where: { subjectId: grace.user.id, type: { in: [AuditType.passwordChanged, AuditType.signIn] } },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    });
    expect.soft(events.map((e) => e.type)).not.toContain(AuditType.signIn);
    expect.soft(await prisma().session.count({ where: { userId: grace.user.id } })).toBe(0);
  });
});
