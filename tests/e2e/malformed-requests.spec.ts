// Requests no browser would send get a 4xx answer, never a 500 (the fuzz test in fuzz.spec.ts
// generates thousands more; these are the ones found by hand, kept as named regressions).
import { test as plainTest } from "@playwright/test";
import { expect, test } from "./fixtures";
import { serverAction } from "./build-manifest";

test("a malformed percent-encoding in a path shows the app's not-found page", async ({ request }) => {
  for (const path of [
    "/invite/%",
    "/reset-password/%E0%A4%A",
    "/signup/verify/%zz",
    "/invite/abc%zz",
    "/api/auth/%",
    "/login/%C0",
    "/%",
  ]) {
    const response = await request.get(path);
    expect(response.status(), path).toBe(404);
    expect(await response.text(), path).toContain("Page not found");
    expect(response.headers()["x-frame-options"], path).toBe("DENY");
  }
});

test("an RSC request with a router state header Next cannot parse is refused with 400", async ({ page, request }) => {
  const nested = "[".repeat(2000) + "]".repeat(2000);
  for (const path of ["/login", "/signup", "/forgot-password"]) {
    for (const value of ["x", "garbage{", "%7B%ZZ", '{"children":1}', nested]) {
      const response = await request.get(path, { headers: { RSC: "1", "Next-Router-State-Tree": value } });
      expect(response.status(), `${path} ${value.slice(0, 20)}`).toBe(400);
    }
  }
  // A real router request still works: a client-side navigation sends the header Next wrote.
  const rsc: number[] = [];
  page.on("response", (r) => r.request().headers()["next-router-state-tree"] !== undefined && rsc.push(r.status()));
  await page.goto("/login");
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page).toHaveURL(/\/signup$/);
  expect(rsc.length).toBeGreaterThan(0);
  expect(rsc.every((status) => status === 200)).toBe(true);
});

test("next-auth's endpoints refuse a body they cannot read with 400", async ({ request }) => {
  const bodies = ["{bad", "", "null", '"text"', "[1,2]", '{"callbackUrl":5}', '{"csrfToken":{"a":1}}'];
  for (const path of ["/api/auth/callback/challenge", "/api/auth/signin/challenge", "/api/auth/signout"]) {
    for (const data of bodies) {
      const response = await request.post(path, {
        headers: { "content-type": "application/json" },
        data: Buffer.from(data),
      });
      expect(response.status(), `${path} ${data}`).toBe(400);
      expect(await response.json()).toEqual({ error: "The request body must be a JSON object of strings or a form." });
    }
  }
  // next-auth's client logger is not used here, and would let anyone write error lines into the log.
  for (const path of ["/api/auth/_log", "/api/auth/%5Flog"])
    expect((await request.post(path, { form: { level: "error", code: "X", message: "m" } })).status(), path).toBe(404);
  // The credentials callback takes a POST; next-auth answers a GET with "not supported" (500).
  expect((await request.get("/api/auth/callback/challenge")).status()).toBe(405);
  // next-auth copies the error code into a Location header unencoded; beyond Latin-1 that fails.
  expect((await request.get("/api/auth/error?error=%F2%BA%83%90", { maxRedirects: 0 })).status()).toBe(400);
  expect((await request.get("/api/auth/error?error=Configuration", { maxRedirects: 0 })).status()).toBe(302);
  // What next-auth's own client sends still works: a form asking for the CSRF token round-trip.
  const csrf = await request.get("/api/auth/csrf");
  expect(csrf.status()).toBe(200);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const signOut = await request.post("/api/auth/signout", { form: { csrfToken, json: "true" } });
  expect(signOut.status()).toBe(200);
});

test("a callbackUrl that is not a URL never reaches next-auth's 500", async ({ request, baseURL }) => {
  for (const callbackUrl of ["abc", "%", "http://["]) {
    const query = await request.get(`/api/auth/session?callbackUrl=${encodeURIComponent(callbackUrl)}`);
    expect(query.status(), callbackUrl).toBe(400);
    for (const path of ["/api/auth/signin/challenge", "/api/auth/callback/challenge"]) {
      const form = await request.post(path, { form: { callbackUrl }, maxRedirects: 0 });
      expect(form.status(), `${path} ${callbackUrl}`).toBe(302);
      expect(form.headers().location, `${path} ${callbackUrl}`).toMatch(new RegExp(`^${baseURL}/`));
    }
  }
  // A bad callback cookie is refused once and cleared, so the browser does not stay stuck on it.
  const stuck = await request.get("/api/auth/session", { headers: { cookie: "next-auth.callback-url=abc" } });
  expect(stuck.status()).toBe(400);
  expect(stuck.headers()["set-cookie"]).toMatch(/next-auth\.callback-url=;.*Expires=Thu, 01 Jan 1970/i);
  expect((await request.get("/api/auth/session")).status()).toBe(200);
});

test("a server action request that React's client would not send is refused with 4xx", async ({ request, baseURL }) => {
  const action = serverAction("askForReset");
  // Raw bytes: Playwright would JSON-encode a string.
  const post = (data: string, headers: Record<string, string> = {}) =>
    request.post("/forgot-password", {
      headers: { "next-action": action.id, origin: baseURL!, "content-type": "text/plain;charset=UTF-8", ...headers },
      data: Buffer.from(data),
    });

  for (const body of [
    "{bad",
    "",
    '"x"',
    "[1",
    '["$@1"]',
    '["$Q1"]',
    '["$h1"]',
    '["$n12x"]',
    '["$B1"]',
    '["$1"]',
    '{"a":1}',
  ]) {
    expect((await post(body)).status(), body).toBe(400);
  }
  expect((await post("x", { "content-type": "multipart/form-data; boundary=zz" })).status()).toBe(400);
  // React reads a field named " " as row 0 a second time (+" " === 0), and fails on it.
  const rowTwice = await request.post("/forgot-password", {
    headers: { "next-action": action.id, origin: baseURL! },
    multipart: { "0": "[{}]", " ": "-1" },
  });
  expect(rowTwice.status()).toBe(400);
  // A well-formed call reaches the action, which answers with its own validation error.
  const ok = await post('[{"email":"not-an-email"}]');
  expect(ok.status()).toBe(200);
  expect(await ok.text()).toContain("Please check the highlighted fields.");

  expect((await post("[]", { origin: "https://evil.example" })).status()).toBe(403);
  expect((await post("[]", { origin: "not a url" })).status()).toBe(403);
  expect((await post("[]", { origin: "null" })).status()).toBe(403);
  expect((await post("[]", { "sec-fetch-site": "cross-site" })).status()).toBe(403);
  const withoutOrigin = await request.post("/forgot-password", {
    headers: { "next-action": action.id, "content-type": "text/plain;charset=UTF-8" },
    data: Buffer.from('[{"email":"not-an-email"}]'),
  });
  expect(withoutOrigin.status()).toBe(403); // every browser names it on a POST; Next alone would run the action
  expect((await post(`["${"x".repeat(70_000)}"]`)).status()).toBe(413);
});

test("a form posted without JavaScript from another origin, or half-formed, is refused with 4xx", async ({
  request,
  baseURL,
}) => {
  const action = serverAction("askForReset");
  const form = { [`$ACTION_ID_${action.id}`]: "", email: "someone@example.com" };
  expect(
    (await request.post("/forgot-password", { headers: { origin: "https://evil.example" }, multipart: form })).status(),
  ).toBe(403);
  const metadata = { $ACTION_REF_1: "", "$ACTION_1:0": `{"id":"${action.id}","bound":"$@1"}` };
  expect(
    (await request.post("/forgot-password", { headers: { origin: baseURL! }, multipart: metadata })).status(),
  ).toBe(400);
  const garbage = { $ACTION_REF_1: "", "$ACTION_1:0": "{bad" };
  expect((await request.post("/forgot-password", { headers: { origin: baseURL! }, multipart: garbage })).status()).toBe(
    400,
  );
  const truncated = await request.post("/forgot-password", {
    headers: { origin: baseURL!, "content-type": "multipart/form-data; boundary=zz" },
    data: Buffer.from('--zz\r\ncontent-disposition: form-data; name="a"\r\n\r\nb'),
  });
  expect(truncated.status()).toBe(400);
  // Paths without a route handler render the not-found page, which takes form posts like any page.
  for (const path of ["/api/no-such-route", "/favicon.ico"]) {
    const response = await request.post(path, {
      headers: { origin: baseURL!, "content-type": "multipart/form-data; boundary=zz" },
      data: Buffer.from("[{"),
    });
    expect(response.status(), path).toBe(400);
  }
});

plainTest.describe("without JavaScript", () => {
  plainTest.use({ javaScriptEnabled: false });

  plainTest("a form still posts to its server action", async ({ page }) => {
    await page.goto("/forgot-password");
    await page.getByLabel("Email").fill("nobody-at-all@example.com");
    await page.getByRole("button", { name: "Send reset link" }).click();
    await expect(page.getByRole("status")).toContainText("If that email has an account");
  });
});

test("sign-in's JSON routes, outside the proxy, refuse with 4xx and answer with the security headers", async ({
  request,
  baseURL,
}) => {
  const bodies = {
    // Not an email: the step's own answer, which counts no attempt against this machine's address.
    "/api/login/password": '{"email":"not-an-email","password":"x"}',
    "/api/login/second-factor": '{"method":"totp","code":"123456"}',
  };
  for (const [path, body] of Object.entries(bodies)) {
    const post = (data: string, headers: Record<string, string> = {}) =>
      request.post(path, {
        headers: { origin: baseURL!, "content-type": "application/json", ...headers },
        data: Buffer.from(data),
      });
    const answers: [string, Awaited<ReturnType<typeof post>>, number][] = [
      ["not JSON", await post("{bad"), 400],
      ["empty", await post(""), 400],
      ["another site", await post(body, { origin: "https://evil.example" }), 403],
      [
        "no origin",
        await request.post(path, { headers: { "content-type": "application/json" }, data: Buffer.from(body) }),
        403,
      ],
      ["a form's type", await post(body, { "content-type": "text/plain;charset=UTF-8" }), 415],
      ["too long", await post(`{"code":"${"x".repeat(70_000)}"}`), 413],
      // Well-formed: the step's own answer (an invalid email; no sign-in open to finish).
      ["well-formed", await post(body), 200],
    ];
    for (const [name, response, status] of answers) {
      expect(response.status(), `${path} ${name}`).toBe(status);
      const headers = response.headers();
      expect(headers["x-request-id"], `${path} ${name}`).toMatch(/^[0-9a-f-]{36}$/);
      expect(headers["x-frame-options"], `${path} ${name}`).toBe("DENY");
      expect(headers["x-content-type-options"], `${path} ${name}`).toBe("nosniff");
      expect(headers["content-security-policy"], `${path} ${name}`).toBe("default-src 'none'; frame-ancestors 'none'");
      expect(headers["cache-control"], `${path} ${name}`).toBe("no-store");
    }
    expect(await answers.at(-1)![1].json()).toMatchObject({ ok: false });
    // Next's own answers on the path (no handler for the method) carry the headers too (next.config.js).
    for (const method of ["GET", "OPTIONS", "DELETE"]) {
      const own = await request.fetch(path, { method });
      expect(own.status(), `${path} ${method}`).toBeLessThan(500);
      expect(own.headers()["x-frame-options"], `${path} ${method}`).toBe("DENY");
      expect(own.headers()["content-security-policy"], `${path} ${method}`).toBe(
        "default-src 'none'; frame-ancestors 'none'",
      );
    }
    expect((await request.get(path)).status()).toBe(405);
    // Only these paths skip the proxy: below them is the app's not-found page, with the page headers.
    const below = await request.get(`${path}/x`);
    expect(below.status()).toBe(404);
    expect(below.headers()["content-security-policy"]).toContain("'nonce-");
  }
});
