// What a virtual user does, over HTTP only, as the browser does it (components/auth): the /login page,
// the password step, the second factor (or enrolment when the account enforces 2FA), the challenge
// exchanged for a session through next-auth, then a protected page; admins also open User Management
// and the audit log, and now and then export the member list.
import { PASSWORD_PATH, SECOND_FACTOR_PATH } from "../../components/auth/sign-in/sign-in-routes";
import { totpCode } from "../../lib/two-factor/totp";
import { Browser, HttpError } from "./http";
import { PASSWORD, stepNow, type LoadUser } from "./seed";

export type ActionIds = Record<"startLoginEnrolment" | "finishLoginEnrolment", string>;

/**
 * Hands out users whose authenticator has a code the server has not accepted yet: one accepted code
 * per user per 30 s step (the replay rule), so a user signs in at most once per step.
 */
export class UserPool {
  private busy = new Set<string>();
  private cursor = 0;
  waits = 0;

  constructor(readonly users: LoadUser[]) {}

  async take(until: number): Promise<LoadUser | null> {
    while (Date.now() < until) {
      const now = stepNow();
      for (let n = 0; n < this.users.length; n++) {
        const user = this.users[(this.cursor + n) % this.users.length]!;
        if (this.busy.has(user.id) || user.lastStep >= now) continue;
        this.cursor = (this.cursor + n + 1) % this.users.length;
        this.busy.add(user.id);
        return user;
      }
      this.waits++; // every user has signed in during this step: wait for the next one
      await new Promise((r) => setTimeout(r, 200));
    }
    return null;
  }

  give(user: LoadUser) {
    this.busy.delete(user.id);
  }
}

/** Filled in as the journey goes, so a failure after the session was granted still counts the sign-in. */
export type Outcome = { signedIn: boolean; enrolled: boolean };

/** A fresh code for this user, marking the step as spent whether or not the server accepts it. */
async function code(user: LoadUser, secret: string) {
  user.lastStep = stepNow();
  return totpCode(secret);
}

/**
 * The sign-in itself, as the /login page runs it: password, then a second factor, whose answer carries
 * the session cookie, or (forced enrolment, no 2FA) the challenge exchanged for next-auth's. `codeFor` acts as the user's authenticator.
 */
export async function signIn(
  browser: Browser,
  user: LoadUser,
  ids: ActionIds,
  outcome: Outcome,
  codeFor: (user: LoadUser, secret: string) => Promise<string> = code,
): Promise<void> {
  // The browser asks for next-auth's CSRF token beside the password step (components/auth/auth-post.ts).
  const csrf = browser
    .request("GET /api/auth/csrf", "/api/auth/csrf")
    .then(async (r) => ((await r.json()) as { csrfToken: string }).csrfToken);
  csrf.catch(() => {}); // a failed password step is the error reported; this one is read below
  const { requirement } = await browser.json<{ requirement: string }>("password step", PASSWORD_PATH, {
    email: user.email,
    password: PASSWORD,
  });
  if (requirement === "verify" && user.secret) {
    // A right code ends the sign-in: the session cookie comes with the answer (app/api/login/second-factor).
    const { signedIn } = await browser.json<{ signedIn: boolean }>("TOTP step", SECOND_FACTOR_PATH, {
      method: "totp",
      code: await codeFor(user, user.secret),
    });
    if (!signedIn || !browser.cookie("next-auth.session-token")) {
      throw new HttpError("TOTP step", `no session for ${user.email}`);
    }
    outcome.signedIn = true;
    return;
  } else if (requirement === "enrol" && !user.secret) {
    const { secret } = await browser.action<{ secret: string }>(
      "enrolment: secret",
      "/login",
      ids.startLoginEnrolment,
      {},
    );
    await browser.action("enrolment: confirm", "/login", ids.finishLoginEnrolment, {
      code: await codeFor(user, secret),
    });
    user.secret = secret; // from now on a user with an authenticator
    outcome.enrolled = true;
  } else if (requirement !== "none" || user.secret) {
    throw new HttpError("password step", `unexpected requirement "${requirement}" for ${user.email}`);
  }

  // The challenge exchanged for next-auth's session cookie, with the token asked for at the start.
  const csrfToken = await csrf;
  const callback = await browser.request("session", "/api/auth/callback/challenge", {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", "x-auth-return-redirect": "1" },
    body: new URLSearchParams({ csrfToken, callbackUrl: "/profile", json: "true" }),
  });
  const { url } = (await callback.json().catch(() => ({}))) as { url?: string };
  if (callback.status !== 200 || !browser.cookie("next-auth.session-token") || !url || url.includes("error=")) {
    throw new HttpError("session", `HTTP ${callback.status}, ${url ?? "no url"}`);
  }
  outcome.signedIn = true;
}

export async function signInJourney(
  browser: Browser,
  user: LoadUser,
  ids: ActionIds,
  accountId: string,
  outcome: Outcome,
): Promise<void> {
  await browser.page("GET /login", "/login", "Sign in");
  await signIn(browser, user, ids, outcome);
  await browser.page("GET /profile", "/profile", user.email);
  if (user.admin) {
    browser.setCookie("twofold.account", accountId); // the account switcher's choice: Load Co
    await browser.page("GET /settings/users", "/settings/users", "Load Co");
    await browser.page("GET /settings/audit", "/settings/audit");
    // The page's link names the account it showed (the route answers 404 without it).
    const csv = `/settings/users/export.csv?account=${encodeURIComponent(accountId)}`;
    if (Math.random() < 0.25) await browser.page("GET export.csv", csv, user.email);
  }
}
