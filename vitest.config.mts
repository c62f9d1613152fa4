import path from "node:path";
import { configDefaults, defineConfig } from "vitest/config";

const shared = {
  resolve: {
    alias: {
      "@": path.resolve(import.meta.dirname),
      "server-only": path.resolve(import.meta.dirname, "tests/support/empty.ts"),
    },
  },
};

// Fixed test keys: tests never write development secrets, and never need a .env.
const env = {
  NODE_ENV: "test",
  NEXTAUTH_SECRET: "test-secret-test-secret-test-secret-0123",
  TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString("base64"),
  // Every audit event is also a log line (lib/log): keep test output to real errors.
  LOG_LEVEL: "error",
};

// The PostgreSQL server runs in a time zone east of UTC, and once more west of it: stored times
// must mean the same instant whatever the server's TimeZone is.
const integration = (backend: "pglite" | "postgres", name: string = backend, timeZone?: string) => ({
  ...shared,
  test: {
    name: `integration-${name}`,
    include: ["tests/integration/**/*.test.ts"],
    // Properties of several processes sharing one server (PGlite has one process by design).
    exclude: backend === "pglite" ? [...configDefaults.exclude, "tests/integration/postgres-only/**"] : undefined,
    globalSetup: ["tests/integration/global-setup.ts"],
    env: { ...env, TEST_DATABASE: backend, ...(timeZone ? { TEST_PG_TIMEZONE: timeZone } : {}) },
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});

export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: "unit", include: ["tests/unit/**/*.test.ts"], env } },
      integration("pglite"),
      integration("postgres", "postgres", "Asia/Tokyo"),
      integration("postgres", "postgres-west", "America/Los_Angeles"),
      // Its own PostgreSQL server, stopped and started again mid-test.
      {
        ...shared,
        test: {
          name: "faults",
          include: ["tests/faults/**/*.test.ts"],
          env,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      // `npm run test:pooler`, not in `npm test`: needs the pgbouncer binary.
      {
        ...shared,
        test: {
          name: "pooler",
          include: ["tests/pooler/**/*.test.ts"],
          globalSetup: ["tests/pooler/setup.ts"],
          env,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
