// Thousands of generated requests against the production build on PostgreSQL: every page, route
// handler and server action, signed out and signed in. No answer may be a 5xx, and no table may
// change (see POLICY for the two exceptions). Runs after the other journeys (playwright.config.ts),
// so nothing else writes to the database meanwhile; alone: `npx playwright test tests/e2e/fuzz.spec.ts
// --no-deps`. The seed is fixed in CI and printed; FUZZ_SEED=<n> replays a run.
import type { APIRequestContext } from "@playwright/test";
import fc from "fast-check";
import pg from "pg";
import { expect, test } from "./fixtures";
import { changesSince, databaseState, type Policy } from "./fuzz/database-state";
import {
  actionRequest,
  formRequest,
  pageRequest,
  routeRequest,
  signedInActionRequest,
  type FuzzRequest,
} from "./fuzz/requests";
import { POSTGRES_APP, POSTGRES_URL, signUp } from "./helpers";
import { appRoutes, serverActions } from "./build-manifest";
import { PURGE_ADVISORY_LOCK } from "../../lib/purge-lock";

const POLICY: Policy = {
  // Refused requests are recorded (failed sign-ins, denied access): rows are added, old ones never change.
  appendOnly: ["AuditEvent"],
  // Attempt counters per email and IP: counting refused attempts is their purpose.
  skipped: ["RateLimit"],
  // The signed-in owner's session notes when it was last seen (at most once a minute): a visit, not a change.
  activity: { Session: ["lastSeenAt"] },
};
const seed = Number(process.env.FUZZ_SEED ?? (process.env.CI ? 20261125 : Date.now() % 2 ** 31));
const BATCH = 8; // requests in flight at once

test.use({ baseURL: POSTGRES_APP });

type Outcome = { request: FuzzRequest; status: number; body: string };
const statuses = new Map<string, number>();

async function send(api: APIRequestContext, request: FuzzRequest): Promise<Outcome> {
  const response = await api.fetch(request.path, {
    method: request.method,
    headers: request.headers,
    data: request.data,
    multipart: request.multipart,
    maxRedirects: 0,
    failOnStatusCode: false,
    timeout: 30_000,
  });
  const status = response.status();
  const key = `${request.kind} ${status}`;
  statuses.set(key, (statuses.get(key) ?? 0) + 1);
  return { request, status, body: status >= 500 ? (await response.text()).slice(0, 300) : "" };
}

/** Sends `runs` batches; fails on the first batch with a 5xx, shrunk to a small example. */
async function fuzz(name: string, api: APIRequestContext, requests: fc.Arbitrary<FuzzRequest>, runs: number) {
  const started = Date.now();
  await fc.assert(
    fc.asyncProperty(fc.array(requests, { minLength: BATCH, maxLength: BATCH }), async (batch) => {
      const outcomes = await Promise.all(batch.map((r) => send(api, r)));
      const failed = outcomes.filter((o) => o.status >= 500);
      if (failed.length) throw new Error(`5xx answers:\n${failed.map((o) => JSON.stringify(o)).join("\n")}`);
    }),
    { seed, numRuns: runs },
  );
  console.log(`fuzz: ${name}, ${runs * BATCH} requests in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}

test("no generated request gets a 5xx answer or changes the database", async ({ page, request }) => {
  test.setTimeout(600_000); // about a minute on an idle 2-core machine; much more when it is shared
  console.log(`fuzz seed ${seed} (replay with FUZZ_SEED=${seed})`);
  const actions = serverActions();
  const { pages, routes } = appRoutes();
  expect(pages).toEqual(expect.arrayContaining(["/login", "/invite/:", "/settings/users"]));
  expect(routes).toEqual(expect.arrayContaining(["/api/auth/:/:", "/api/me"]));
  await signUp(page, "Fuzz Owner"); // a session for the signed-in pages, made before the snapshot
  // The server's purge deletes expired rows every 7.5 to 12.5 minutes, a change no request made (it
  // once fell inside this run and failed it). Holding the purge's advisory lock for the
  // run makes it skip, as when another instance purges; the lock goes with the connection.
  const purgeLock = new pg.Client({ connectionString: POSTGRES_URL });
  await purgeLock.connect();
  await purgeLock.query("SELECT pg_advisory_lock($1)", [PURGE_ADVISORY_LOCK]);
  try {
    const before = await databaseState(POSTGRES_URL, POLICY);
    expect(Object.keys(before)).toEqual(
      expect.arrayContaining(["User", "Account", "Membership", "LoginChallenge", "AuditEvent", "TotpEnrolment"]),
    );
    const started = Date.now();

    await fuzz("pages", request, pageRequest(pages), 80);
    await fuzz("route handlers", request, routeRequest(routes), 80);
    await fuzz("server actions", request, actionRequest(actions, POSTGRES_APP, pages), 160);
    await fuzz("forms without JavaScript", request, formRequest(actions, POSTGRES_APP, pages), 60);
    // Signed in: pages and route handlers with reading methods, and actions with arguments none accepts.
    // Left out: the actions that take no input, for which every call is valid (it starts an enrolment).
    const signedInReads = fc
      .oneof(pageRequest(pages), routeRequest(routes))
      .map((r) => ({ ...r, method: r.method === "HEAD" ? "HEAD" : "GET", data: undefined }));
    await fuzz("signed in: pages and route handlers", page.request, signedInReads, 60);
    const takesInput = actions.filter((a) => !["startEnrolment", "startLoginEnrolment"].includes(a.name));
    await fuzz("signed in: server actions", page.request, signedInActionRequest(takesInput, POSTGRES_APP), 60);

    const sent = [...statuses.values()].reduce((a, b) => a + b, 0);
    console.log(
      `fuzz: ${sent} requests in ${Math.round((Date.now() - started) / 1000)} s; answers ${JSON.stringify(Object.fromEntries([...statuses].sort()))}`,
    );
    expect(sent).toBeGreaterThanOrEqual(4_000);
    expect(await changesSince(POSTGRES_URL, before, POLICY)).toEqual([]);
  } finally {
    await purgeLock.end();
  }
});
