import type { EnrolmentActions } from "@/components/two-factor/enrolment-dialog";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Proof, Requirement } from "@/lib/two-factor/proof";

/** The server actions of /login, handed down from its page to each step. */
export type SignInActions = {
  submitPassword: ServerAction<FormData, { requirement: Requirement; graceUntil: string | null; rememberDays: number }>;
  /** `remember`: "Don't ask again on this device" was ticked. */
  submitSecondFactor: ServerAction<Proof & { remember?: boolean }, { recoveryCodesLeft: number | null }>;
  /** The kinds the second step offers this user, and a security key's options bound to the sign-in. */
  secondFactorKinds: ServerAction<Record<string, never>, { kinds: FactorKind[] }>;
  secondFactorOptions: ServerAction<{ kind: "webauthn" }, unknown>;
  /** Forced enrolment during the sign-in (the challenge's, not a session's). */
  enrolment: EnrolmentActions;
  resume: ServerAction<Record<string, never>, { requirement: Requirement; rememberDays: number } | null>;
};

/**
 * Where every other way in (sign-up, invitation) goes once its action opened the sign-in: /login
 * resumes it from the challenge cookie, so all of them finish through the same steps.
 */
export const CONTINUE_SIGN_IN_PATH = "/login?continue=1";
