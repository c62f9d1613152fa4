// Wrong current passwords from a signed-in session (changing the password, entering it again) are
// limited per session, so one stolen cookie cannot lock the owner out, and per user, so many stolen
// cookies together still get few guesses.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { limits } from "@/lib/rate-limit";
import { jar, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, PASSWORD } from "./fixtures";
import { signInAs } from "./review-attack-helpers";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const profile = await import("@/app/(app)/profile/actions");

freshDatabasePerFile();
beforeEach(() => jar.clear());

const PER_SESSION = limits.currentPasswordPerSession.limit;
const PER_USER = limits.currentPasswordPerUser.limit;

async function wrongGuesses(token: string, count: number) {
  jar.set(SESSION_COOKIE, token);
  const answers = [];
  for (let i = 0; i < count; i++)
    answers.push(await profile.changePasswordAction({ currentPassword: `guess ${i}`, newPassword: "the thief's own" }));
  return answers.map((answer) => (answer.ok ? "ok" : answer.code));
}

describe("wrong current passwords", () => {
  it("from the thief's stolen cookie do not stop the owner changing the password from their own session", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const thief = await signInAs(owner.user);
    const own = await signInAs(owner.user);

    expect(await wrongGuesses(thief.token, PER_SESSION + 1)).toEqual([
      ...Array(PER_SESSION - 1).fill("wrong_password"),
      "rate_limited",
      "rate_limited",
    ]);

    jar.set(SESSION_COOKIE, own.token);
    const changed = await profile.changePasswordAction({
      currentPassword: PASSWORD,
      newPassword: "the owner's new one",
    });
    expect(changed).toMatchObject({ ok: true });
  });

  it("from many stolen cookies together stop at the per-user ceiling, the right password too", async () => {
    const owner = await makeUserWithTwoFactor("Owner");
    const cookies = [];
    for (let i = 0; i < PER_USER / PER_SESSION; i++) cookies.push((await signInAs(owner.user, { stale: true })).token);
    for (const token of cookies) await wrongGuesses(token, PER_SESSION);

    const another = await signInAs(owner.user, { stale: true });
    const again = await profile.confirmPasswordAgain({ password: PASSWORD });
    expect(again).toMatchObject({ ok: false, code: "rate_limited" });
    expect(await wrongGuesses(another.token, 1)).toEqual(["rate_limited"]);
  });
});
