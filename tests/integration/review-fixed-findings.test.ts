// Two findings of the issue-10 security review, each failing before its fix: trust ended by lowering
// an account's remember days stayed ended, and renaming a key needs a recent password.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { enableEnforcement } from "@/lib/accounts/enforcement";
import { setRememberDeviceDays } from "@/lib/accounts/remember-days";
import { checkPassword } from "@/lib/auth/sign-in";
import { jar, submitPassword, submitSecondFactor } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, meta, PASSWORD } from "./fixtures";
import { signInAs, userWithAppAndKey } from "./review-attack-helpers";
import { totp } from "./webauthn-fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const keys = await import("@/app/(app)/profile/key-actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("security review findings, fixed", () => {
  // Lowering the days once only suspended the trust (recomputed from today's days at each sign-in),
  // so raising them again revived a cookie an admin meant to kill, e.g. on a stolen laptop.
  it("trust an account ended by setting 0 days stays ended when it allows days again", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const member = await makeUserWithTwoFactor("Member");
    const { accountId } = await prisma().membership.findFirstOrThrow({ where: { userId: owner.user.id } });
    await prisma().membership.create({ data: { userId: member.user.id, accountId, role: "member" } });
    await enableEnforcement(owner.user.id, accountId, 0, meta);

    expect((await submitPassword({ email: member.user.email, password: PASSWORD })).data?.requirement).toBe("verify");
    expect(await submitSecondFactor({ ...totp(await member.nextCode()), remember: true })).toMatchObject({
      ok: true,
    });
    const device = jar.get("twofold.device")!;
    const requirement = async () => (await checkPassword(member.user.email, PASSWORD, meta, device)).requirement;
    expect(await requirement()).toBe("none");

    await setRememberDeviceDays(owner.user.id, accountId, 0, meta); // "members always enter a second factor"
    expect(await requirement()).toBe("verify");
    const code = await owner.nextCode(); // longer days need the admin's second factor
    await setRememberDeviceDays(owner.user.id, accountId, 30, meta, { method: "totp", code }); // later, relaxed again
    expect(await requirement()).toBe("verify");
  });

  // Adding a key needs a recent password and removing one a second factor; renaming needed neither, so
  // a stolen older cookie could relabel the owner's keys ("Old key - safe to remove").
  it("a stolen, older session cookie cannot rename the owner's security key without the password", async () => {
    const owner = await userWithAppAndKey("Owner");
    await signInAs(owner.user, { stale: true });
    const renamed = await keys.renameSecurityKey({ id: owner.key.id, name: "Old key - safe to remove" });
    expect(renamed).toMatchObject({ ok: false });
    expect((await prisma().webAuthnCredential.findUniqueOrThrow({ where: { id: owner.key.id } })).name).toBe("YubiKey");
  });
});
