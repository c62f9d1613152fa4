// Another copy of the server code, reading its configuration from `vars` (for example another
// TOTP_ENCRYPTION_KEY), on the same database: a second instance, or someone holding a dump.
import { vi } from "vitest";

export const testKey = (fill: number) => Buffer.alloc(32, fill).toString("base64");

export async function serverWithKeys(vars: Record<string, string>) {
  vi.resetModules();
  for (const [name, value] of Object.entries(vars)) vi.stubEnv(name, value);
  try {
    (await import("@/lib/env")).env(); // read (and cache) the configuration while the variables are set
    return {
      verify: {
        ...(await import("@/lib/two-factor/factors/totp")),
        ...(await import("@/lib/two-factor/factors/recovery-code")),
      },
      manage: await import("@/lib/two-factor/manage"),
    };
  } finally {
    vi.unstubAllEnvs();
  }
}
