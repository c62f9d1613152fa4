import { expect, type Browser, type Locator, type Page } from "@playwright/test";
import { randomUUID } from "node:crypto";
import pg from "pg";
import { totpCode } from "../../lib/two-factor/totp";
import { codesAround } from "../support/totp-window";
import { hydrated, withHydration } from "./fixtures";
import { DEV_APP, MAIL_HTTP, POSTGRES_URL } from "./ports";
export { POSTGRES_APP, POSTGRES_URL } from "./ports";

export const PASSWORD = "correct horse battery staple";

export function newEmail(name: string) {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, "-")}-${randomUUID().slice(0, 8)}@example.com`;
}

/**
 * Each test looks like its own client address, as the load balancer in front would report it (the
 * e2e servers run with TRUSTED_PROXY_HOPS=1, playwright.config.ts), for per-IP limits.
 */
export async function asOwnClient(page: Page) {
  await page.setExtraHTTPHeaders({ "x-forwarded-for": `10.${rand()}.${rand()}.${rand()}` });
}
const rand = () => Math.floor(Math.random() * 250) + 1;

/** Another person: a browser of their own (no cookies shared) at a client address of their own. */
export async function newClientPage(browser: Browser, baseURL?: string) {
  const page = withHydration(await (await browser.newContext({ baseURL })).newPage());
  await asOwnClient(page);
  return page;
}

/** Runs SQL on the PostgreSQL server behind POSTGRES_APP, as time passing or another instance would. */
export async function onPostgresApp(sql: string, params: unknown[]) {
  const db = new pg.Client({ connectionString: POSTGRES_URL });
  await db.connect();
  try {
    await db.query(sql, params);
  } finally {
    await db.end();
  }
}

/** Fills and sends the sign-up form; the page then says "Check your email" whatever the address. */
export async function submitSignUp(page: Page, name: string, email: string, password = PASSWORD) {
  await page.goto("/signup");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByRole("heading", { name: "Check your email" })).toBeVisible();
}

/** The link from the "Confirm your email" message: from the mail sink, or from /dev/mailbox under next dev. */
export async function signUpLink(page: Page, email: string): Promise<string> {
  if (new URL(page.url()).origin !== DEV_APP) {
    const mail = await readMail(email, "Confirm your email");
    return mail.text.match(/https?:\/\/\S+\/signup\/verify\/\S+/)![0];
  }
  const message = await openDevMailbox(page, email, "Confirm your email");
  return (await message.getByRole("link", { name: /\/signup\/verify\// }).getAttribute("href"))!;
}

/** Opens /dev/mailbox (next dev, no SMTP) until a message to `to` about `subject` is listed. */
export async function openDevMailbox(page: Page, to: string, subject: string): Promise<Locator> {
  const message = page.getByRole("listitem").filter({ hasText: to }).filter({ hasText: subject });
  await expect(async () => {
    await page.goto("/dev/mailbox"); // email is sent after the response: look again until it is there
    await expect(message).toBeVisible({ timeout: 1000 });
  }).toPass();
  return message;
}

/** Signs up a new user the whole way: the form, the emailed link, the password again, the profile. */
export async function signUp(page: Page, name: string, email = newEmail(name)) {
  await asOwnClient(page);
  await submitSignUp(page, name, email);
  await page.goto(await signUpLink(page, email));
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/profile$/, { timeout: 30_000 }); // through /login?continue=1: slow under next dev
  await expect(page.getByRole("heading", { name: "Profile" })).toBeVisible();
  await hydrated(page);
  return email;
}

export async function signOut(page: Page) {
  await hydrated(page);
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login/);
}

export async function enterPassword(page: Page, email: string, password = PASSWORD) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

/** The newest email to `to` whose subject contains `subject`, waiting for it to arrive. */
export async function readMail(to: string, subject: string, timeout?: number) {
  let found: { subject: string; text: string } | undefined;
  await expect
    .poll(
      async () => {
        const mails = (await (await fetch(`${MAIL_HTTP}/?to=${encodeURIComponent(to)}`)).json()) as {
          subject: string;
          text: string;
        }[];
        found = mails.reverse().find((m) => m.subject.includes(subject));
        return !!found;
      },
      { timeout },
    )
    .toBe(true);
  return found!;
}

/**
 * An authenticator app with memory: each code comes from a time step the server has not accepted
 * yet (it refuses replays), waiting for the clock when the window is used up.
 */
export function authenticator(secret: string) {
  let lastStep = Math.floor(Date.now() / 30_000); // the enrolment code used the current step
  return {
    async nextCode(): Promise<string> {
      const step = lastStep + 1;
      while (step > Math.floor(Date.now() / 30_000) + 1) await new Promise((r) => setTimeout(r, 500));
      lastStep = step;
      return totpCode(secret, step * 30_000 + 1000);
    },
    wrongCode: () => wrongCode(secret),
  };
}

/** A 6-digit code that is not a real one of `secret` in the minutes the test runs. */
export async function wrongCode(secret: string): Promise<string> {
  const real = await codesAround(secret);
  for (let n = 0; ; n++) {
    const code = String(n).padStart(6, "0");
    if (!real.has(code)) return code;
  }
}

/** Enrols from the profile by reading the Secret Key off the dialog, as a person typing it would. */
export async function enrol(page: Page) {
  await hydrated(page);
  await page.getByRole("switch", { name: "Two-Factor Authentication" }).click();
  const { app, codes } = await enrolInOpenDialog(page);
  await expect(page.getByRole("dialog", { name: "Save your recovery codes" })).toBeHidden();
  return { codes, app };
}

/** Our error messages (Next's route announcer also has role="alert"). */
export function errorAlert(scope: Page | Locator) {
  return scope.locator('[role="alert"]:not(#__next-route-announcer__)');
}

/** Invites from /settings/users and returns the link from the email. */
export async function invite(page: Page, email: string, role: "member" | "admin" = "member") {
  await page.goto("/settings/users");
  const form = page.getByRole("region", { name: "Invite a member" });
  await form.getByLabel("Email").fill(email);
  await form.getByLabel("Role").selectOption(role);
  await form.getByRole("button", { name: "Send invitation" }).click();
  await expect(form.getByRole("status")).toContainText(`Invitation sent to ${email}`);
  const mail = await readMail(email, "invited you");
  return mail.text.match(/https?:\/\/\S+\/invite\/\S+/)![0];
}

/** Enrolment inside a dialog that is already open (forced enrolment at sign-in or invitation). */
export async function enrolInOpenDialog(page: Page) {
  const dialog = page.getByRole("dialog", { name: "Enable Two-Factor Authentication" });
  await expect(dialog.getByTestId("secret-key")).toBeVisible();
  const secret = (await dialog.getByTestId("secret-key").innerText()).replace(/\s/g, "");
  await dialog.getByLabel("6-digit code from the app").fill(await totpCode(secret));
  await dialog.getByRole("button", { name: "Enable" }).click();
  const codesDialog = page.getByRole("dialog", { name: "Save your recovery codes" });
  await expect(codesDialog.getByTestId("recovery-codes").locator("li")).toHaveCount(10);
  const codes = (await codesDialog.getByTestId("recovery-codes").locator("li").allInnerTexts()).map((c) => c.trim());
  await codesDialog.getByLabel("I have saved these codes").check();
  await codesDialog.getByRole("button", { name: "Done" }).click();
  return { app: authenticator(secret), codes };
}

/** Accepts an invitation link as a new user. */
export async function acceptAsNewUser(page: Page, link: string, name: string) {
  await asOwnClient(page);
  await page.goto(link);
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Accept invitation" }).click();
}
