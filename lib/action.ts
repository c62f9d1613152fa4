import "server-only";
import { unstable_rethrow } from "next/navigation";
import { z } from "zod";
import { canManage, membershipOf, type CurrentMembership } from "@/lib/accounts/current";
import { currentSession, type SignedIn } from "@/lib/auth/session";
import type { PublicUser } from "@/lib/auth/users";
import { audit, AuditType } from "@/lib/audit";
import { AppError, ErrorCode, errorMessages } from "@/lib/errors";
import { log } from "@/lib/log";
import { holdsUnstorableText } from "@/lib/pg-text";
import { requestMeta, type RequestMeta } from "@/lib/request-meta";

export type ActionState<T = undefined> = {
  ok?: boolean;
  error?: string;
  code?: ErrorCode;
  fieldErrors?: Record<string, string[]>;
  data?: T;
};

/** A server action as a component receives it from its page (components never import app/). */
export type ServerAction<I, T = unknown> = (input: I) => Promise<ActionState<T>>;
/** The same, in the shape useActionState calls it. */
export type FormAction<T = unknown> = (state: ActionState<T>, formData: FormData) => Promise<ActionState<T>>;

type Input = FormData | Record<string, unknown> | undefined;
// No arguments is not an empty object: a call React's client never makes must not pass a schema that
// takes none (the fuzz test's no-argument calls started WebAuthn ceremonies that way).
const toObject = (input: unknown) => (input instanceof FormData ? Object.fromEntries(input) : input);

async function run<T>(fn: () => Promise<T>): Promise<ActionState<T>> {
  try {
    return { ok: true, data: await fn() };
  } catch (error) {
    unstable_rethrow(error); // redirect() and notFound() are not failures
    if (error instanceof AppError) {
      await log.info("action.refused", { code: error.code });
      return { ok: false, error: error.message, code: error.code };
    }
    await log.error("action.failed", { error });
    return { ok: false, error: errorMessages.unexpected, code: ErrorCode.unexpected };
  }
}

const invalidInput = { ok: false, error: errorMessages.invalid_input, code: ErrorCode.invalidInput } as const;

function parse<S extends z.ZodType>(schema: S, input: unknown) {
  const parsed = schema.safeParse(toObject(input));
  if (parsed.success) {
    return holdsUnstorableText(parsed.data)
      ? { state: invalidInput as ActionState<never> }
      : { data: parsed.data as z.infer<S> };
  }
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".") || "form"] ??= []).push(issue.message);
  return { state: { ...invalidInput, fieldErrors } as ActionState<never> };
}

/** What a public action answers: parse with zod, then call lib. Also a JSON route's answer (lib/http/json-endpoint). */
export async function publicActionState<S extends z.ZodType, T>(
  schema: S,
  input: unknown,
  fn: (input: z.infer<S>, meta: RequestMeta) => Promise<T>,
): Promise<ActionState<T>> {
  const parsed = parse(schema, input);
  if (parsed.state) return parsed.state;
  return run(async () => fn(parsed.data, await requestMeta()));
}

/** A public server action: parse with zod, then call lib. Usable directly and with useActionState. */
export function action<S extends z.ZodType, T>(schema: S, fn: (input: z.infer<S>, meta: RequestMeta) => Promise<T>) {
  return async (...args: [Input] | [unknown, Input]): Promise<ActionState<T>> =>
    publicActionState(schema, args.length === 2 ? args[1] : args[0], fn);
}

export type SessionContext = { user: PublicUser; session: SignedIn; meta: RequestMeta };

function signedInAction<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, ctx: SessionContext) => Promise<T>,
  { duringEnrolment }: { duringEnrolment: boolean },
) {
  return async (...args: [Input] | [unknown, Input]): Promise<ActionState<T>> => {
    const session = await currentSession();
    if (!session) {
      await log.info("action.refused", { code: ErrorCode.notSignedIn });
      return { ok: false, error: errorMessages.not_signed_in, code: ErrorCode.notSignedIn };
    }
    if (session.mustEnrol && !duringEnrolment) {
      await log.info("action.refused", { code: ErrorCode.enrolmentRequired, userId: session.user.id });
      return { ok: false, error: errorMessages.enrolment_required, code: ErrorCode.enrolmentRequired };
    }
    const parsed = parse(schema, args.length === 2 ? args[1] : args[0]);
    if (parsed.state) return parsed.state;
    return run(async () =>
      fn(parsed.data, { user: session.user, session, meta: { ...(await requestMeta()), sessionId: session.id } }),
    );
  };
}

/**
 * A server action for signed-in users only; the session is verified here, not by the page. A user
 * whom an account requires to enrol in 2FA is refused until they have (enrolmentAction is the way).
 */
export function authedAction<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, ctx: SessionContext) => Promise<T>,
) {
  return signedInAction(schema, fn, { duringEnrolment: false });
}

/** The enrolment steps themselves: open to a signed-in user who must enrol, as well as to everyone else. */
export function enrolmentAction<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, ctx: SessionContext) => Promise<T>,
) {
  return signedInAction(schema, fn, { duringEnrolment: true });
}

/** A row id as actions take it (cuid; the limit keeps garbage out of queries). */
export const idSchema = z.string().min(1).max(40);

/**
 * A server action for owners and admins of the account it names: every call carries `accountId`, the
 * account its page rendered (and the admin saw and confirmed), never the account cookie, which another
 * tab may have switched since. The membership is loaded from the database here, for that account.
 */
export function accountAdminAction<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, ctx: SessionContext & { membership: CurrentMembership }) => Promise<T>,
) {
  return authedAction(z.object({ accountId: idSchema }).and(schema), async (input, { user, session, meta }) => {
    const membership = await membershipOf(user.id, input.accountId);
    if (!membership || !canManage(membership.role)) {
      // In the named account's log if the user belongs to it; naming an account one is not in writes
      // nothing into its log (the refusal is still recorded, with the actor).
      await audit({ type: AuditType.accessDenied, actorId: user.id, accountId: membership?.account.id, meta });
      throw new AppError(ErrorCode.forbidden);
    }
    try {
      return await fn(input, { user, session, membership, meta });
    } catch (error) {
      // A refusal by the rules in lib (another account's member, an owner, enforcement without 2FA) is recorded too.
      if (
        error instanceof AppError &&
        (error.code === ErrorCode.forbidden || error.code === ErrorCode.ownTwoFactorFirst)
      ) {
        await audit({
          type: AuditType.accessDenied,
          actorId: user.id,
          accountId: membership.account.id,
          meta,
          details: { reason: error.code },
        });
      }
      throw error;
    }
  });
}
