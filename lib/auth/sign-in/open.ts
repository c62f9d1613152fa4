import "server-only";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode } from "@/lib/errors";
import type { RequestMeta } from "@/lib/request-meta";
import { decideTwoFactorPolicy, policyFactsOf } from "@/lib/two-factor/policy";
import type { FactorKind, Requirement } from "@/lib/two-factor/proof";
import { rememberDaysOf, rememberedDeviceFor } from "../remembered-devices";
import { describeBrowser } from "../user-agent";
import { createChallenge } from "./challenge";
import { setChallengeCookie } from "./cookie";
import { readRememberCookie } from "./remember";

/** A user whose password was just proved, at the session version it was proved under. */
export type ProvedUser = { id: string; sessionVersion: number };

/**
 * Opens the login challenge for a user whose password was just proved (sign-in, sign-up, invitation):
 * what it asks next follows the one 2FA rule, so no way in skips the second factor or enrolment.
 * Only under the version the password was proved at: a password change or reset (or a factor) that
 * landed while it was being checked ends this sign-in too, instead of opening it under the new version.
 *
 * The one exception to asking: a browser this user told to remember them (`rememberedToken`, its
 * cookie) while the rule asks for a second factor they have ("verify"). The challenge then opens
 * already satisfied and `requirement` is "none" (nothing more to ask). Never for enrolment.
 * `rememberDays` is what the second step may offer ("Don't ask again … for N days"; 0 = not offered),
 * and `kinds` the factors it offers, in order (none unless it is "verify"): the browser shows the
 * second step at once instead of asking for them.
 */
export async function startChallenge(
  user: ProvedUser,
  meta: RequestMeta,
  rememberedToken?: string,
): Promise<{
  token: string;
  requirement: Requirement;
  graceUntil: Date | null;
  rememberDays: number;
  kinds: FactorKind[];
}> {
  // The user's version, the 2FA rule's facts, their factors and the remember-device days, in one query.
  const facts = await policyFactsOf(user.id);
  if (!facts) throw new Error(`No user ${user.id}.`);
  if (facts.sessionVersion !== user.sessionVersion)
    throw new AppError(
      ErrorCode.challengeExpired,
      "Your account changed while you were signing in. Please sign in again.",
    );
  const policy = decideTwoFactorPolicy(facts);
  const deviceId = policy.requirement === "verify" ? await rememberedDeviceFor(user.id, rememberedToken) : null;
  const token = await createChallenge(user, policy.requirement, meta.ip, { deviceId });
  if (deviceId) {
    await audit({
      type: AuditType.signInRememberedDevice,
      subjectId: user.id,
      actorId: user.id,
      meta,
      details: { deviceId, browser: describeBrowser(meta.userAgent), ip: meta.ip },
    });
    return { token, requirement: "none", graceUntil: policy.graceUntil, rememberDays: 0, kinds: [] };
  }
  const rememberDays = policy.requirement === "verify" ? rememberDaysOf(facts.rememberDeviceDays) : 0;
  // None without a second factor, which is when the rule does not ask for one ("verify").
  return { token, requirement: policy.requirement, graceUntil: policy.graceUntil, rememberDays, kinds: facts.kinds };
}

/**
 * The one way a proved password continues (sign-in, sign-up, invitation): the challenge, named by an
 * httpOnly cookie. The browser then finishes on /login (components/auth/sign-in), whatever came first.
 */
export async function beginSignIn(user: ProvedUser, meta: RequestMeta) {
  const { token, ...next } = await startChallenge(user, meta, await readRememberCookie());
  await setChallengeCookie(token);
  return next;
}
