// Findings of review 49 (2026-12-06). Each test fails on the code as reviewed; the expectations are what
// the product should answer.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { sessionHandle } from "@/lib/auth/session-list";
import { jar, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, PASSWORD } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");
const sessions = await import("@/app/(app)/profile/session-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("finding 1: the thief's stale cookie locks the owner out of the password dialog that signing the thief out now needs", () => {
  // Review 47 made "Sign out" of another session (and of all others) need the password lately in this
  // session; from an older session the browser asks for it (confirmPasswordAgain). That check counts
  // wrong passwords per user (lib/auth/password.ts verifyCurrentPassword, `password-change:user:<id>`,
  // 5 per 15 minutes), and the thief's stolen cookie may call the same action: five wrong passwords
  // from the thief's session and the owner's correct one is refused ("Too many wrong passwords") for
  // 15 minutes, again and again, so the owner cannot end the thief's session from their own.
  it("five wrong passwords from the thief's session; the owner's right one still ends the thief's session", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const thief = await signInAs(owner.user, { stale: true }); // the stolen cookie
    jar.clear();
    const own = await signInAs(owner.user, { stale: true }); // the owner's laptop, signed in this morning

    jar.set(SESSION_COOKIE, thief.token);
    for (let i = 0; i < 5; i++) await profile.confirmPasswordAgain({ password: `guess ${i}` });

    jar.set(SESSION_COOKIE, own.token);
    const confirmed = await profile.confirmPasswordAgain({ password: PASSWORD });
    // fails: { ok: false, code: "rate_limited", error: "Too many wrong passwords." }
    expect({ ok: confirmed.ok, code: confirmed.ok ? undefined : confirmed.code }).toEqual({
      ok: true,
      code: undefined,
    });
    const signedOut = await sessions.signOutSession({ handle: sessionHandle(thief.sid) });
    expect(signedOut).toMatchObject({ ok: true });
    expect((await prisma().session.findUniqueOrThrow({ where: { id: thief.sid } })).revokedAt).not.toBeNull();
  });
});
