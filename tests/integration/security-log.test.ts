// Operators get a log line for every refused or failed security action, with what happened and to whom.
import { afterEach, describe, expect, it, vi } from "vitest";
import { AuditType, isRefusal } from "@/lib/audit";
import { verifyCredentials } from "@/lib/auth/sign-in";
import { freshDatabasePerFile } from "./database";
import { makeUser, meta } from "./fixtures";

freshDatabasePerFile();
afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

describe("the security log", () => {
  it("has a warning line for a refused sign-in, naming the event, the user and the address", async () => {
    const user = await makeUser("Logged");
    vi.stubEnv("LOG_LEVEL", "info");
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    await expect(verifyCredentials(user.email, "not the password", meta)).rejects.toThrow();
    const line = warn.mock.calls
      .map((args) => String(args[0]))
      .find((l) => l.includes(`audit.${AuditType.signInFailed}`));
    expect(line).toBeDefined();
    expect(line).toContain(user.id);
    expect(line).toContain(meta.ip);
  });

  it("counts every failure, lockout, refusal and denial as a refusal", () => {
    const refusalNames = Object.values(AuditType).filter((type) =>
      /failed|denied|rate_limited|lockout|locked|replay|exhausted|failing|given_up/.test(type),
    );
    expect(refusalNames.length).toBeGreaterThanOrEqual(10);
    for (const type of refusalNames) expect(isRefusal(type), type).toBe(true);
    expect(isRefusal(AuditType.signIn)).toBe(false);
  });
});
