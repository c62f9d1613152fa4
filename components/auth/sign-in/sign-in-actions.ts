import type { EnrolmentActions } from "@/components/two-factor/enrolment-dialog";
import type { ServerAction } from "@/lib/action";
import type { FactorKind, Requirement } from "@/lib/two-factor/proof";

/** The server actions of /login, handed down from its page to each step (the password and the second factor are JSON routes: ./sign-in-routes). */
export type SignInActions = {
  /** A security key's options, bound to the sign-in. */
  secondFactorOptions: ServerAction<{ kind: "webauthn" }, unknown>;
  /** Forced enrolment during the sign-in (the challenge's, not a session's). */
  enrolment: EnrolmentActions;
  resume: ServerAction<Record<string, never>, NextStep | null>;
};

/** What a proved password leads to: the requirement, and for "verify" the factors offered (in order). */
export type NextStep = { requirement: Requirement; rememberDays: number; kinds: FactorKind[] };

/**
 * Where every other way in (sign-up, invitation) goes once its action opened the sign-in: /login
 * resumes it from the challenge cookie, so all of them finish through the same steps.
 */
export const CONTINUE_SIGN_IN_PATH = "/login?continue=1";
