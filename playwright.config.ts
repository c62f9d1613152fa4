import { defineConfig, devices } from "@playwright/test";
import { APP, DEV_APP, MAIL_HTTP, POSTGRES_APP, ports, SMTP_URL } from "./tests/e2e/ports";

// The journeys run against the production build (`next build` runs first in `npm run test:e2e`),
// served as operators serve it (`npm start`, server.mjs), on a fresh embedded database and, for the
// tests that say so, on a real PostgreSQL server (tests/e2e/pg-server.mjs), sending real email over
// SMTP to a local sink. Ports: tests/e2e/ports.ts.
// The production servers run as behind one load balancer (TRUSTED_PROXY_HOPS=1): a test's
// X-Forwarded-For plays the balancer's entry, so each test is its own client for per-IP limits
// (helpers.ts `asOwnClient`), and a test can also play a client forging entries to the left of it.
const baseURL = APP;
const portEnv = {
  MAIL_SINK_SMTP_PORT: String(ports.smtp),
  MAIL_SINK_HTTP_PORT: String(ports.mailHttp),
  E2E_PG_PORT: String(ports.postgres),
  E2E_PG_APP_PORT: String(ports.postgresApp),
};
const behindLoadBalancer = { TRUSTED_PROXY_HOPS: "1" };

export default defineConfig({
  testDir: "tests/e2e",
  outputDir: "test-results",
  fullyParallel: true,
  workers: 2,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"], ["html", { open: "never" }]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    screenshot: "only-on-failure",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--no-first-run",
      ],
    },
  },
  projects: [
    {
      name: "chromium",
      testIgnore: /(fuzz|dev-mailbox)\.spec\.ts/,
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } },
    },
    // After every journey: it compares the PostgreSQL database before and after, so nothing else may write to it meanwhile.
    { name: "fuzz", testMatch: /fuzz\.spec\.ts/, dependencies: ["chromium"], use: { ...devices["Desktop Chrome"] } },
    // Last and alone: `next dev` compiles on demand, and beside another journey on these 2 cores each of
    // its requests took 3-6 s, past the journey's waits (two CI runs on 2026-12-04); alone it takes ≈ 1 min.
    {
      name: "development",
      testMatch: /dev-mailbox\.spec\.ts/,
      dependencies: ["fuzz"],
      use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 800 } },
    },
  ],
  webServer: [
    {
      command: "node tests/e2e/mail-sink.mjs",
      url: `${MAIL_HTTP}/`,
      reuseExistingServer: false,
      env: portEnv,
    },
    {
      command: "node tests/e2e/pg-server.mjs",
      url: `${POSTGRES_APP}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: {
        ...portEnv,
        ...behindLoadBalancer,
        NEXTAUTH_URL: POSTGRES_APP,
        NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456",
        TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
        SMTP_URL,
        LOG_LEVEL: "error", // every audit event is a log line; the runner shows only real errors
      },
    },
    {
      // Development mode, for the dev mailbox (no SMTP_URL): it does not exist in production builds.
      command: `rm -rf .data/e2e-dev && next dev -p ${ports.dev}`,
      url: `${DEV_APP}/login`,
      timeout: 180_000,
      reuseExistingServer: false,
      env: { PGLITE_DIR: ".data/e2e-dev/pglite", TWOFOLD_DATA_DIR: ".data/e2e-dev" },
    },
    {
      command: `rm -rf .data/e2e && npm start -- -p ${ports.app}`,
      url: `${baseURL}/login`,
      timeout: 120_000,
      reuseExistingServer: false,
      env: {
        ...behindLoadBalancer,
        DATABASE_URL: "pglite:.data/e2e/pglite", // production chooses the embedded database explicitly
        NEXTAUTH_URL: baseURL,
        NEXTAUTH_SECRET: "e2e-secret-e2e-secret-e2e-secret-0123456",
        TOTP_ENCRYPTION_KEY: Buffer.alloc(32, 9).toString("base64"),
        SMTP_URL,
        LOG_LEVEL: "error", // every audit event is a log line; the runner shows only real errors
      },
    },
  ],
});
