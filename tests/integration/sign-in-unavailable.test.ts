// The database failing while a finished sign-in is exchanged for a session (found by
// `npm run load -- --restart-db`): the answer is a generic error that names nothing inside the app.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { checkPassword } from "@/lib/auth/sign-in";
import { openSession } from "@/lib/auth/session-record";
import { AuditType } from "@/lib/audit";
import { CHALLENGE_COOKIE, jar, nextAuth, SESSION_COOKIE } from "./browser";
import { freshDatabasePerFile } from "./database";
import { auditTypes, makeUser, meta, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
vi.mock("@/lib/auth/session-record", async (original) => {
  const actual = await original<typeof import("@/lib/auth/session-record")>();
  return { ...actual, openSession: vi.fn(actual.openSession) };
});

freshDatabasePerFile();
beforeEach(() => jar.clear());

const driverError = new Error(
  "\nInvalid `prisma.session.create()` invocation:\n\n\nDatabase error. Code: ECONNREFUSED connect 127.0.0.1:5432",
);

describe("the session exchange while the database fails", () => {
  it("answers a generic error without the database's message, and grants nothing", async () => {
    const user = await makeUser("Outage");
    const { token, requirement } = await checkPassword(user.email, PASSWORD, meta);
    expect(requirement).toBe("none");
    jar.set(CHALLENGE_COOKIE, token);
    vi.mocked(openSession).mockRejectedValueOnce(driverError);

    const csrf = (await nextAuth("GET", ["csrf"])).body as { csrfToken: string };
    const answer = await nextAuth("POST", ["callback", "challenge"], { csrfToken: csrf.csrfToken, json: "true" });

    expect(jar.has(SESSION_COOKIE)).toBe(false);
    const seen = decodeURIComponent(JSON.stringify(answer));
    expect(seen).toContain("error=unavailable");
    expect(seen).not.toMatch(/prisma|ECONNREFUSED|127\.0\.0\.1:5432|Database error|invocation/i);
    expect(await auditTypes(user.id)).not.toContain(AuditType.signIn);
  });
});
