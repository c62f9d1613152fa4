import type { BrowserContext, Page } from "@playwright/test";
import { expect, test } from "./fixtures";
import { asOwnClient, enrolInOpenDialog, PASSWORD, signUp } from "./helpers";

// Targets that a regex reading "starts with one slash" lets through, and that the browser's URL
// parser turns into another origin (tabs and newlines dropped, "\" read as "/"), plus the classics.
const HOSTILE = [
  "/\t/evil.example/",
  "/\n/evil.example/",
  "/\r\n/evil.example/",
  "/\t\\evil.example/",
  "/\\\tevil.example/",
  "\\\\evil.example/",
  "//evil.example/",
  "/.//evil.example/",
  "/%2e//evil.example/",
  "https://evil.example/",
  "http:\\\\evil.example/",
  "java\tscript:alert(document.domain)",
];

/** Any request to the attacker's host is answered here (there is no network) and remembered. */
async function trapOtherOrigins(context: BrowserContext) {
  const visited: string[] = [];
  await context.route(/^https?:\/\/(?!localhost[:/])/, (route) => {
    visited.push(route.request().url());
    return route.fulfill({ contentType: "text/html", body: "<h1>Attacker</h1>" });
  });
  return visited;
}

/** Waits until the browser has left `from` and returns where it ended up. */
async function landing(page: Page, from: string) {
  await page.waitForURL((url) => url.pathname !== from, { timeout: 15_000 });
  await page.waitForLoadState();
  return new URL(page.url());
}

test("sign-in with a hostile callbackUrl always ends on our own origin", async ({ page, context, baseURL }) => {
  test.setTimeout(180_000);
  const visited = await trapOtherOrigins(context);
  page.on("dialog", (dialog) => {
    visited.push(`dialog: ${dialog.message()}`);
    return dialog.dismiss();
  });
  const email = await signUp(page, "Redirected");
  const origin = new URL(baseURL!).origin;
  for (const target of [...HOSTILE, "/settings/users?page=1#members"]) {
    await context.clearCookies();
    await asOwnClient(page);
    await page.goto(`/login?callbackUrl=${encodeURIComponent(target)}`);
    await page.getByLabel("Email").fill(email);
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    const url = await landing(page, "/login");
    expect(url.origin, JSON.stringify(target)).toBe(origin);
    expect(url.pathname, JSON.stringify(target)).toBe(target.startsWith("/settings") ? "/settings/users" : "/profile");
  }
  expect(visited).toEqual([]);
});

test("sign-in with a code and a hostile callbackUrl ends on our own origin; so does next-auth's own callbackUrl", async ({
  page,
  context,
  baseURL,
  request,
}) => {
  const visited = await trapOtherOrigins(context);
  const email = await signUp(page, "Coded");
  await page.goto("/profile?enrol=1");
  const { app } = await enrolInOpenDialog(page);
  await context.clearCookies();
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/\t/evil.example/")}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.getByLabel("Authentication code").fill(await app.nextCode());
  await page.getByRole("button", { name: "Verify" }).click();
  const url = await landing(page, "/login");
  expect(url.origin).toBe(new URL(baseURL!).origin);
  expect(url.pathname).toBe("/profile");
  expect(visited).toEqual([]);

  for (const target of ["https://evil.example/", "/\t/evil.example/", "\\\\evil.example"]) {
    const response = await request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent(target)}`, {
      maxRedirects: 0,
    });
    // A target that is no URL at all is refused before next-auth sees it (lib/auth/auth-request.ts).
    if (response.status() === 400) {
      expect(response.headers().location, JSON.stringify(target)).toBeUndefined();
      continue;
    }
    expect(response.status(), JSON.stringify(target)).toBe(302);
    const next = new URL(response.headers().location!, baseURL);
    expect(next.pathname).toBe("/login");
    // next-auth refuses some targets outright (?error=); the others pass through our redirect callback.
    const callbackUrl = next.searchParams.get("callbackUrl");
    expect(callbackUrl ?? next.searchParams.get("error"), JSON.stringify(target)).toBeTruthy();
    if (callbackUrl) expect(callbackUrl, JSON.stringify(target)).toBe(`${new URL(baseURL!).origin}/profile`);
  }
});

test("enrolling from the profile with a hostile returnTo stays on our own origin", async ({
  page,
  context,
  baseURL,
}) => {
  test.setTimeout(180_000);
  const visited = await trapOtherOrigins(context);
  const origin = new URL(baseURL!).origin;
  for (const target of [
    "/\t/evil.example/",
    "/\n/evil.example/",
    "/\t\\evil.example/",
    "//evil.example/",
    "/.//evil.example/",
    "/settings/authentication",
  ]) {
    await context.clearCookies();
    await signUp(page, "Returning");
    await page.goto(`/profile?enrol=1&returnTo=${encodeURIComponent(target)}`);
    await enrolInOpenDialog(page);
    if (target === "/settings/authentication") {
      await expect(page).toHaveURL(`${origin}/settings/authentication`);
    } else {
      // Refused: the dialog closes and the profile stays, with 2FA on.
      await expect(page.getByRole("switch", { name: "Two-Factor Authentication" })).toBeChecked();
      expect(new URL(page.url()).origin, JSON.stringify(target)).toBe(origin);
      expect(new URL(page.url()).pathname).toBe("/profile");
    }
  }
  expect(visited).toEqual([]);
});
