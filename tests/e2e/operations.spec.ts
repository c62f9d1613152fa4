import { readFile } from "node:fs/promises";
import type { Page } from "@playwright/test";
import { expect, test, withHydration } from "./fixtures";
import { acceptAsNewUser, enrol, invite, newEmail, readMail, signOut, signUp } from "./helpers";
import { MAIL_HTTP, POSTGRES_APP } from "./ports";
import { serverAction } from "./build-manifest";

test("the app has a shield favicon and icons (no 404 in the browser's console)", async ({ page, request }) => {
  for (const [path, type] of [
    ["/favicon.ico", "image/x-icon"],
    ["/icon.svg", "image/svg+xml"],
    ["/apple-icon.png", "image/png"],
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(200);
    expect(response.headers()["content-type"], path).toContain(type);
  }
  await page.goto("/login");
  await expect(page.locator('link[rel="icon"][type="image/svg+xml"]')).toHaveAttribute("href", /\/icon\.svg/);
  await expect(page.locator('link[rel="apple-touch-icon"]')).toHaveAttribute("href", /\/apple-icon\.png/);
});

test("GET /api/health answers 200 with the database and migrations, on both databases, without secrets", async ({
  request,
}) => {
  for (const base of ["", POSTGRES_APP]) {
    const response = await request.get(`${base}/api/health`);
    expect(response.status(), base || "pglite").toBe(200);
    expect(response.headers()["cache-control"]).toContain("no-store");
    const body = await response.json();
    expect(body).toMatchObject({ ok: true, database: "ok", migrations: { pending: [] } });
    expect(JSON.stringify(body)).not.toMatch(/postgres:|pglite|secret|key/i);
  }
});

test("every response names its request id; a load balancer's id is kept, a client's odd one is not", async ({
  request,
}) => {
  const fresh = (await request.get("/login")).headers()["x-request-id"];
  expect(fresh).toMatch(/^[0-9a-f-]{36}$/);
  expect((await request.get("/login")).headers()["x-request-id"]).not.toBe(fresh);
  expect(
    (await request.get("/login", { headers: { "x-request-id": "lb-1234567890" } })).headers()["x-request-id"],
  ).toBe("lb-1234567890");
  const odd = (await request.get("/login", { headers: { "x-request-id": 'evil"}, {"injected' } })).headers()[
    "x-request-id"
  ];
  expect(odd).toMatch(/^[0-9a-f-]{36}$/);
});

test("pages are sent gzipped; a server action's answer and an /api/ route's are sent as they are", async ({
  request,
  baseURL,
}) => {
  const gzip = { "accept-encoding": "gzip, deflate, br" };
  const page = await request.get("/login", { headers: gzip });
  expect(page.headers()["content-encoding"]).toBe("gzip");
  const action = await request.post("/login", {
    headers: { ...gzip, "next-action": serverAction("resumeSignIn").id, origin: baseURL! },
    data: Buffer.from("[{}]"),
  });
  expect(action.status()).toBe(200);
  expect(action.headers()["content-encoding"]).toBeUndefined();
  expect(await action.text()).toContain('"ok":true');
  // So is an /api/ route's small JSON (next-auth's CSRF token, asked for on every sign-in).
  const csrf = await request.get("/api/auth/csrf", { headers: gzip });
  expect(csrf.headers()["content-encoding"]).toBeUndefined();
  expect(await csrf.json()).toHaveProperty("csrfToken");
  // A form posted without JavaScript (no Next-Action header) gets its page back, gzipped.
  const form = await request.post("/forgot-password", {
    headers: { ...gzip, origin: baseURL! },
    multipart: { [`$ACTION_ID_${serverAction("askForReset").id}`]: "", email: "nobody-at-all@example.com" },
  });
  expect(form.status()).toBe(200);
  expect(form.headers()["content-encoding"]).toBe("gzip");
  expect(await form.text()).toContain("<html");
});

test("an owner downloads the member list as CSV from User Management; a member cannot", async ({
  page,
  browser,
  baseURL,
}) => {
  test.setTimeout(120_000);
  const ownerEmail = await signUp(page, "Csv Owner");
  await enrol(page);
  const memberEmail = newEmail("csv-member");
  const link = await invite(page, memberEmail);
  const member = withHydration(await (await browser.newContext({ baseURL })).newPage());
  // A formula (a name cannot hold a web address since review 45, so this one points nowhere).
  await acceptAsNewUser(member, link, '=HYPERLINK("evil","Open")');
  await expect(member).toHaveURL(/\/profile$/);

  await page.goto("/settings/users");
  const [download] = await Promise.all([
    page.waitForEvent("download"),
    page.getByRole("link", { name: "Export CSV" }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^members-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = (await readFile((await download.path())!, "utf8")).trim().split("\r\n");
  expect(lines[0]).toBe("name,email,role,two_factor,methods,last_sign_in_utc,member_since_utc");
  const owner = lines.find((l) => l.includes(ownerEmail))!;
  expect(owner).toMatch(/^Csv Owner,.*,owner,on,authenticator app,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z,/);
  // A name that a spreadsheet would run as a formula is defused with a leading quote.
  const memberLine = lines.find((l) => l.includes(memberEmail));
  expect(memberLine).toMatch(/^"'=HYPERLINK\(""evil"",""Open""\)",/);
  expect(memberLine).toContain(`,${memberEmail},member,off,,`);

  // The same link (it names the account) and one naming none are refused to a member: the same 404.
  const href = (await page.getByRole("link", { name: "Export CSV" }).getAttribute("href"))!;
  expect(href).toMatch(/^\/settings\/users\/export\.csv\?account=\w+$/);
  expect((await member.request.get(href)).status()).toBe(404);
  expect((await member.request.get("/settings/users/export.csv")).status()).toBe(404);
});

/** The mail sink refuses one recipient until told otherwise: a mail outage that touches no other test. */
const sink = (path: string, to: string, method = "GET") =>
  fetch(`${MAIL_HTTP}/${path}?to=${encodeURIComponent(to)}`, { method }).then((r) => r.json());

async function resetEmailThroughOutage(page: Page) {
  const email = await signUp(page, "Patient");
  await signOut(page);
  await sink("refuse", email, "POST");
  await page.goto("/forgot-password");
  await page.getByLabel("Email").fill(email);
  const asked = Date.now();
  await page.getByRole("button", { name: "Send reset link" }).click();
  // The answer does not wait for the mail server.
  await expect(page.getByRole("status")).toContainText("If that email has an account");
  expect(Date.now() - asked).toBeLessThan(5_000);
  await expect.poll(async () => (await sink("refusals", email)).refusals, { timeout: 30_000 }).toBeGreaterThan(0);
  await sink("accept", email, "POST");
  await readMail(email, "Reset your", 60_000);
  await page.waitForTimeout(6_000); // another delivery run (every 5 s), which must not send it again
  const resets = ((await sink("", email)) as { subject: string }[]).filter((m) => m.subject.includes("Reset your"));
  expect(resets).toHaveLength(1);
}

test("a reset email asked for while the mail server refuses it arrives, once, when it is back", async ({ page }) => {
  test.setTimeout(120_000);
  await resetEmailThroughOutage(page);
});

test.describe("on a real PostgreSQL server", () => {
  test.use({ baseURL: POSTGRES_APP });
  test("a reset email asked for while the mail server refuses it arrives, once, when it is back", async ({ page }) => {
    test.setTimeout(120_000);
    await resetEmailThroughOutage(page);
  });
});
