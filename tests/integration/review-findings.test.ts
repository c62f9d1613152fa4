// ─────────────────────────────────────────────────────────────────────────────────────────────
// SECURITY REVIEW FINDINGS (issue 10). THESE TESTS FAIL ON PURPOSE: each one states the behaviour
// a safe product would have, and fails today because the product does not. They are kept out of the
// passing attack suites (review-attacks-*.test.ts) so the lead can decide; do not "fix" them by
// weakening the assertion. Severity and root cause are in each test's comment and in the report.
// ─────────────────────────────────────────────────────────────────────────────────────────────
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { checkPassword } from "@/lib/auth/sign-in";
import { jar } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { totp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const login = await import("@/app/(auth)/login/actions");
const keys = await import("@/app/(app)/profile/key-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("REVIEW FINDINGS (failing = the hole is still there)", () => {
  // Severity: Low. lib/accounts/remember-days.ts says setting 0 days "ends the trust already given",
  // but lib/auth/remembered-devices.ts only *suspends* it: rememberedDeviceFor recomputes
  // createdAt + today's days at each sign-in and never deletes or marks the device, so raising the
  // days again (or the account no longer enforcing, or the member leaving it) revives every cookie it
  // was meant to kill, e.g. one on a laptop an admin knew was stolen. The profile's list hides such
  // devices meanwhile (listRememberedDevices filters them), so the user cannot Forget them either.
  it("FINDING: trust an account ended by setting 0 days comes back when it allows days again", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const member = await makeUserWithTwoFactor("Member");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
    await enableEnforcement(owner.user.id, accountId, 0, meta);

    expect((await login.submitPassword({ email: member.user.email, password: PASSWORD })).data?.requirement).toBe(
      "verify",
    );
    expect(await login.submitSecondFactor({ ...totp(await member.nextCode()), remember: true })).toMatchObject({
      ok: true,
    });
    const device = jar.get("twofold.device")!;
    const requirement = async () => (await checkPassword(member.user.email, PASSWORD, meta, device)).requirement;
    expect(await requirement()).toBe("none");

    await setRememberDeviceDays(owner.user.id, accountId, 0, meta); // "members always enter a second factor"
    expect(await requirement()).toBe("verify");
    await setRememberDeviceDays(owner.user.id, accountId, 30, meta); // later, policy relaxed again
    expect(await requirement()).toBe("verify"); // FAILS today: "none", the ended trust is back
  });

  // Severity: Low (hardening). app/(app)/profile/key-actions.ts: renameSecurityKey is a plain
  // authedAction. Adding a key needs the password in the last 10 minutes (requireRecentPassword) and
  // removing one a fresh second factor, but a stolen, older session cookie alone may rename the
  // owner's keys (e.g. "Old key – safe to remove"), which helps a social-engineering follow-up and
  // makes the profile lie about which key is which. Audited, but no email is sent.
  it("FINDING: a stolen, older session cookie renames the owner's security key without the password", async () => {
    const owner = await userWithAppAndKey("Owner");
    await signInAs(owner.user, { stale: true });
    const renamed = await keys.renameSecurityKey({ id: owner.key.id, name: "Old key - safe to remove" });
    expect(renamed).toMatchObject({ ok: false }); // FAILS today: ok, the key is renamed
    expect((await prisma().webAuthnCredential.findUniqueOrThrow({ where: { id: owner.key.id } })).name).toBe("YubiKey");
  });
});
