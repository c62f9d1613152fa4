// Findings of review 55 (2026-12-06), on fb27e4e. Each test fails on the code as reviewed; the
// expectations are what the product should answer.
//
// Finding 1: accepting an invitation signed in (acceptSignedIn, app/(auth)/invite/[token]/actions.ts)
// takes any live session of the invitee, however old: no recent password, no second factor. Review 53
// made a user with a second factor join an account only signed in, because a membership gives the
// inviting account a say over the user's factors (Reset 2FA, lib/accounts/members.ts: allowed where the
// actor manages every account the user belongs to). A stale stolen cookie (the threat model's "thief of
// a live session cookie": no password, no factor; everything that gives a say needs the password within
// 10 minutes, lib/auth/recent-password.ts) is "signed in" too. With it and the user's mailbox (where
// the link arrives), Mallory puts a user who belongs to no other account (invited into a company as a
// new user, later removed) into an account of her own, presses Reset 2FA with her own second factor,
// sets a new password through the reset link in the same mailbox, and signs in with the password
// alone. Without the membership, the cookie and the mailbox together cannot remove the factor: a reset
// by link ends the cookie and still asks for the code.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { inviteMember } from "@/lib/accounts/invitations";
import { requestPasswordReset, resetPassword } from "@/lib/auth/password";
import { checkPassword } from "@/lib/auth/sign-in";
import { jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, ownAccount } from "./fixtures";
import { formerMemberWithTwoFactor, resetIfJoined, linkIn, signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const joining = await import("@/app/(auth)/invite/[token]/actions");

freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("finding 1: a stale session cookie accepts an invitation, and the inviting admin strips the second factor", () => {
  it("Mallory, with a stale cookie of the victim's and their mailbox, signs in as the victim with a password alone", async () => {
    // The victim: invited into a company as a new user, turned on 2FA, later removed from the company.
    const { victim, email: victimEmail } = await formerMemberWithTwoFactor();

    // Mallory: a stale cookie of the victim's (signed in hours ago; no password, no code) and the
    // victim's mailbox; an account of her own and a 2FA of her own.
    const mallory = await makeUserWithTwoFactor("Mallory");
    const malloryAccount = await ownAccount(mallory.user.id);
    await inviteMember(mallory.user.id, malloryAccount, victimEmail, "member", meta);
    const link = await linkIn(victimEmail, "invite");
    await signInAs({ id: victim.id, email: victimEmail, name: "Victim" }, { stale: true });

    // The stale cookie accepts: it should need the password lately, as every other say given from a
    // session does (or a fresh second factor).
    const accepted = await joining.acceptSignedIn({ token: link });
    expect.soft(accepted).toMatchObject({ ok: false, code: "password_required" });

    // What follows when it is accepted: Reset 2FA from Mallory's account, then a reset link.
    const reset = await resetIfJoined(mallory, malloryAccount, victim.id);
    await requestPasswordReset(victimEmail, meta);
    await resetPassword(await linkIn(victimEmail, "reset-password"), "mallory's own passphrase", meta);
    const signInAsks = (await checkPassword(victimEmail, "mallory's own passphrase", meta)).requirement;

    // On fb27e4e: { reset: "reset", signInAsks: "none" }: the victim's 2FA was gone and Mallory was in.
    expect({ reset, signInAsks }).toEqual({ reset: "no membership", signInAsks: "verify" });
  });
});
