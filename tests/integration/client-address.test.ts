// Per-IP limits against a client that rotates X-Forwarded-For, through the real sign-in action and
// request headers. Deployed behind one load balancer (TRUSTED_PROXY_HOPS=1): the client writes what
// it likes on the left, the balancer appends the address it saw, and the app's own server (server.mjs)
// appends the balancer's.
import { afterAll, describe, expect, it, vi } from "vitest";
import { AuditType } from "@/lib/audit";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { submitPassword } from "./browser";

vi.stubEnv("TRUSTED_PROXY_HOPS", "1");
afterAll(() => void vi.unstubAllEnvs());

let forwardedFor = "";
vi.mock("next/headers", () => ({
  headers: async () => new Headers({ "x-forwarded-for": forwardedFor, host: "localhost:3000", "user-agent": "spray" }),
  cookies: async () => ({ get: () => undefined, getAll: () => [], has: () => false, set: () => {}, delete: () => {} }),
}));

const { prisma } = freshDatabasePerFile();

// 51 sign-in attempts each, every one an argon2 verification: slow on a busy machine.
describe("the client address behind a proxy", { timeout: 180_000 }, () => {
  it("rotating forged X-Forwarded-For entries still hits the per-IP sign-in limit, and the audit log shows the real address", async () => {
    const results = [];
    for (let i = 0; i < 51; i++) {
      forwardedFor = `198.51.100.${i}, 203.0.113.77, 10.0.0.2`;
      results.push(await submitPassword({ email: `sprayed-${i}@example.com`, password: "Winter2026!" }));
    }
    expect(results.slice(0, 50).map((r) => r.code)).toEqual(Array(50).fill(ErrorCode.invalidCredentials));
    expect(results[50]).toMatchObject({ ok: false, code: ErrorCode.rateLimited });
    const events = await prisma().auditEvent.findMany({
      where: { type: { in: [AuditType.signInFailed, AuditType.signInRateLimited] } },
    });
    expect(events).toHaveLength(51);
    expect(new Set(events.map((e) => e.ip))).toEqual(new Set(["203.0.113.77"]));
  });

  it("counts every address of one IPv6 /64 together", async () => {
    const results = [];
    for (let i = 0; i < 51; i++) {
      forwardedFor = `2001:db8:77:1:${i.toString(16)}::1, 10.0.0.2`;
      results.push(await submitPassword({ email: `v6-sprayed-${i}@example.com`, password: "Winter2026!" }));
    }
    expect(results[50]).toMatchObject({ ok: false, code: ErrorCode.rateLimited });
  });
});
