// Review 41, on PostgreSQL (PGlite serves one connection, so nothing can wait for a lock there):
// "Sign out other sessions" now deletes the user's login challenges (f9c8633) instead of marking
// them used, and a sign-in in progress at that moment must be told its sign-in is over, not fail on
// the deleted row.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { revokeOtherSessions } from "@/lib/auth/session-list";
import { checkPassword } from "@/lib/auth/sign-in";
import { ErrorCode } from "@/lib/errors";
import { CHALLENGE_COOKIE, jar } from "../browser";
import { freshDatabasePerFile } from "../database";
import { meta, openTestSession, PASSWORD } from "../fixtures";
import { keyOnlyUser } from "../review-attack-helpers";
import { queuedOnALock, settled } from "./locks";

vi.mock("next/headers", async () => (await import("../browser")).nextHeaders);
const login = await import("@/app/(auth)/login/actions");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

describe("a security key's options asked for while the user signs out their other sessions", () => {
  it("say the sign-in is over (challenge_expired), not an unexpected error from the deleted challenge", async () => {
    const { user } = await keyOnlyUser("Keyholder");
    // The user's own browser, and another session of theirs that "Sign out other sessions" will end.
    const here = await openTestSession({ id: user.id, sessionVersion: 0 }, meta);
    const other = await openTestSession({ id: user.id, sessionVersion: 0 }, meta);
    // Someone (the intruder) passed the password step and asks for the security key's options.
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("verify");
    jar.set(CHALLENGE_COOKIE, token);

    let options!: Promise<PromiseSettledResult<Awaited<ReturnType<typeof login.secondFactorOptions>>>>;
    await prisma().$transaction(async (tx) => {
      // Holds the other session's row, so the sign-out stops after deleting the challenges (its
      // first statement) and before it commits; the options are asked for meanwhile.
      await tx.$queryRaw`SELECT id FROM "Session" WHERE id = ${other.id} FOR UPDATE`;
      const signedOut = settled(revokeOtherSessions({ id: user.id }, { id: here.id, version: 0, generation: 0 }, meta));
      await queuedOnALock(signedOut, 1);
      options = settled(login.secondFactorOptions({ kind: "webauthn" }));
      await queuedOnALock(options, 2); // the ceremony's insert waits for the challenge row being deleted
    });

    const outcome = await options;
    expect(outcome.status).toBe("fulfilled");
    // Fails: { ok: false, code: "unexpected" }, from a foreign-key violation on WebAuthnCeremony
    // (logged as action.failed) where the sign-in should be reported over.
    expect(outcome.status === "fulfilled" && outcome.value).toMatchObject({
      ok: false,
      code: ErrorCode.challengeExpired,
    });
  });
});
