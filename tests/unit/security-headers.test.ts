// Sign-in's JSON routes are outside proxy.ts: next.config.js gives Next's own answers there the
// headers lib/http/json-endpoint gives its own. Two lists of one policy, held together here.
import { createRequire } from "node:module";
import { describe, expect, it, vi } from "vitest";
import { JSON_CSP, setSecurityHeaders } from "@/lib/http/security-headers";

const require = createRequire(import.meta.url);

async function configHeaders(nodeEnv: string) {
  vi.stubEnv("NODE_ENV", nodeEnv);
  delete require.cache[require.resolve("../../next.config.js")];
  const config = require("../../next.config.js") as {
    headers: () => Promise<{ source: string; headers: { key: string; value: string }[] }[]>;
  };
  vi.unstubAllEnvs();
  return config.headers();
}

describe("sign-in's JSON routes' headers", () => {
  for (const nodeEnv of ["production", "development"]) {
    it(`next.config.js sets on its path what the route sets on its answers (${nodeEnv})`, async () => {
      const rules = await configHeaders(nodeEnv);
      expect(rules.map((r) => r.source)).toEqual(["/api/login/:step(password|second-factor)"]);
      vi.stubEnv("NODE_ENV", nodeEnv);
      const route = new Headers();
      setSecurityHeaders(route, JSON_CSP, "id");
      vi.unstubAllEnvs();
      route.delete("x-request-id");
      const config = new Headers(rules[0]!.headers.map(({ key, value }) => [key, value] as [string, string]));
      expect(Object.fromEntries(config)).toEqual(Object.fromEntries(route));
      expect(config.has("strict-transport-security")).toBe(nodeEnv === "production");
    });
  }
});
