// Findings of review 46 (2026-12-06), against the fixes of 534b227. Each test fails on the code as
// reviewed; the expectations are what the product should answer.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { inviteMember } from "@/lib/accounts/invitations";
import { nameSchema } from "@/lib/auth/users";
import { verifyPassword } from "@/lib/crypto/password";
import { requestMeta } from "@/lib/request-meta";
import { beginEnrolment, confirmEnrolment } from "@/lib/two-factor/factors/totp-enrolment";
import { totpCode } from "@/lib/two-factor/totp";
import { jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, ownAccount, PASSWORD, setupNow, versionNow } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
vi.mock("@/lib/request-meta", async (original) => {
  const actual = await original<typeof import("@/lib/request-meta")>();
  return { ...actual, requestMeta: vi.fn(actual.requestMeta) };
});

const profile = await import("@/app/(app)/profile/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());
afterEach(() => vi.mocked(requestMeta).mockClear());

describe("finding 1: a name still carries a web address a mail client links (holdsWebAddress wants a path)", () => {
  // The invitation body prints the sender's name and "<name>'s account" from Twofold's own address.
  // Gmail, Apple Mail and Outlook on the web link a bare host with a known TLD, with or without a port
  // or query; the regex catches only a scheme, "www." or "host.tld/".
  it.each([
    "IT Support: sign in at paypal-verify.com", // bare host: the common form, linked as is
    "Security team evil.com:8443/login", // a port before the path
    "Verify now evil.com?login", // a query instead of a path
    "evil.xn--p1ai/login", // an IDN's punycode TLD (letters, digits, dashes)
  ])("refuses %j", (name) => {
    // fails: nameSchema accepts it
    expect(nameSchema.safeParse(name).success).toBe(false);
  });
});

describe("finding 2: the per-address invitation limit lets any stranger block a real invitation", () => {
  // invitations:email:<address> counts every account's invitations together: anyone who signs up can
  // send 5 to an address they want kept out (re-inviting replaces their own open invitation), and the
  // real admin's invitation (and every resend) is refused for the hour, again every hour.
  it("a stranger's five invitations do not refuse the real admin's", async () => {
    const victim = `new-hire-${Date.now()}@corp.example`;
    const stranger = await makeUser("Stranger");
    const strangersAccount = await ownAccount(stranger.id);
    for (let i = 0; i < 5; i++)
      await inviteMember(stranger.id, strangersAccount, victim, "member", meta).catch(() => {});
    expect(await mailsTo(victim)).toHaveLength(3); // one account's share of an address's invitations
    await expect(inviteMember(stranger.id, strangersAccount, victim, "member", meta)).rejects.toThrow(
      `Too many invitations to ${victim} lately.`,
    );

    const admin = await makeUser("Admin");
    const adminsAccount = await ownAccount(admin.id);
    // fails: AppError rate_limited "Too many invitations sent."
    await expect(inviteMember(admin.id, adminsAccount, victim, "member", meta)).resolves.toBeUndefined();
    expect(await prisma().invitation.count({ where: { accountId: adminsAccount, email: victim } })).toBe(1);
  });
});

describe("finding 3: changePassword checks the version it reads, not the session's", () => {
  // 534b227 writes the change only under the version verifyCurrentPassword read. That read comes after
  // the action checked the session: a bump that lands between (the owner turning 2FA on, an admin's
  // Reset 2FA) is read as the version "checked", so a session it ended still changes the password.
  // enableTwoFactor passes session.version down for this reason; changePassword does not.
  it("a stolen session ended by the owner turning 2FA on cannot then replace the password", async () => {
    const owner = await makeUser("Owner");
    await signInAs(owner); // the attacker's stolen session, and the leaked password
    // The owner turns 2FA on in their own browser just after the attacker's session was checked.
    vi.mocked(requestMeta).mockImplementationOnce(async () => {
      const { secret } = await beginEnrolment(owner, await setupNow(owner.id));
      await confirmEnrolment(owner.id, await totpCode(secret), meta, await versionNow(owner.id));
      return meta;
    });

    const attack = await profile.changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: "the attacker's own now",
    });

    const { passwordHash, totpEnabledAt } = await prisma().user.findUniqueOrThrow({ where: { id: owner.id } });
    expect(totpEnabledAt).not.toBeNull(); // the owner's change did land
    // fails: { attackSucceeded: true, ownersPasswordWorks: false }
    expect({ attackSucceeded: attack.ok, ownersPasswordWorks: await verifyPassword(passwordHash, PASSWORD) }).toEqual({
      attackSucceeded: false,
      ownersPasswordWorks: true,
    });
  });
});
