// What `npm run bench` drives over HTTP, each as the browser (or a client of the reference) sends it:
// Twofold's second step (TOTP, recovery code) as /login's JSON route, the whole sign-in, the
// admin's user list, then the floors: the bare reference server, an empty Next.js action and an
// empty Next.js route handler (the floor of the sign-in steps, which are route handlers).
import { SECOND_FACTOR_PATH } from "../../components/auth/sign-in/sign-in-routes";
import { Browser, HttpError } from "../load/http";
import { signIn, type ActionIds } from "../load/journeys";
import type { LoadUser } from "../load/seed";
import { address, challenges, nextCode, resetReplay } from "./codes";

export type Time = <T>(exchange: () => Promise<T>) => Promise<T>;
export type Target = {
  name: string;
  /** Before a run of `count` requests (untimed): challenges to answer, fresh codes. */
  prepare?: (count: number) => Promise<void>;
  request: (i: number, time: Time) => Promise<void>;
  /** Each HTTP request's time by step ("password step", "TOTP step", …), for targets made of several. */
  steps?: Map<string, number[]>;
};

export type Servers = {
  app: string;
  ids: ActionIds;
  users: LoadUser[];
  /** People who sign in with the password alone (no account of theirs enforces 2FA). */
  plain: LoadUser[];
  admin: LoadUser;
  accountId: string;
  reference: string;
  empty: { base: string; id: string; pid?: number };
};

const CHALLENGE_COOKIE = "twofold.challenge"; // the name over plain HTTP (lib/auth/sign-in/cookie.ts)

function secondStep(s: Servers, name: string, proof: (user: LoadUser) => Promise<Record<string, string>>): Target {
  let tokens: string[] = [];
  return {
    name,
    prepare: async (count) => {
      await resetReplay(s.users);
      tokens = await challenges(s.users, count);
    },
    request: async (i, time) => {
      const body = await proof(s.users[i % s.users.length]!);
      const browser = new Browser(s.app, address(i), 30_000);
      browser.setCookie(CHALLENGE_COOKIE, tokens[i]!);
      await time(() => browser.json(name, SECOND_FACTOR_PATH, body));
    },
  };
}

export const totpStep = (s: Servers) =>
  secondStep(s, "Twofold second step: TOTP code", async (user) => ({ method: "totp", code: await nextCode(user) }));

export const recoveryStep = (s: Servers) =>
  secondStep(s, "Twofold second step: recovery code", async (user) => {
    const code = user.recoveryCodes.pop();
    if (!code) throw new Error(`${user.email} has no recovery code left.`);
    return { method: "recovery", code };
  });

/** Password (argon2id) beside the CSRF token, then the TOTP code, whose answer sets the session cookie. */
export const wholeSignIn = (s: Servers): Target =>
  signInTarget("Twofold whole sign-in (password, code, session cookie)", s.users, s, {
    prepare: () => resetReplay(s.users),
    codeFor: (u, secret) => nextCode(u, secret),
  });

/** The same for people no account requires 2FA of: password, CSRF token, callback. What 2FA adds is the difference. */
export const signInWithout2fa = (s: Servers): Target =>
  signInTarget("Twofold whole sign-in without 2FA (password, session cookie)", s.plain, s, {});

function signInTarget(
  name: string,
  people: LoadUser[],
  s: Servers,
  { prepare, codeFor }: { prepare?: () => Promise<void>; codeFor?: (u: LoadUser, secret: string) => Promise<string> },
): Target {
  const steps = new Map<string, number[]>();
  return {
    name,
    prepare,
    steps,
    request: async (i, time) => {
      const browser = new Browser(s.app, address(i), 30_000);
      const outcome = { signedIn: false, enrolled: false };
      await time(() => signIn(browser, people[i % people.length]!, s.ids, outcome, codeFor));
      for (const { step, ms } of browser.timings) {
        const times = steps.get(step) ?? [];
        times.push(ms);
        steps.set(step, times);
      }
    },
  };
}

export function userList(s: Servers): Target {
  const browser = new Browser(s.app, address(65_000), 30_000);
  let signedIn = false;
  return {
    name: "Twofold admin user list (GET /settings/users)",
    prepare: async () => {
      if (signedIn) return;
      await resetReplay(s.users);
      await signIn(browser, s.admin, s.ids, { signedIn: false, enrolled: false }, (u, secret) => nextCode(u, secret));
      browser.setCookie("twofold.account", s.accountId); // the account switcher's choice: Load Co
      signedIn = true;
    },
    request: async (_i, time) => {
      await time(() => browser.page("user list", "/settings/users", "Load Co"));
    },
  };
}

export const reference = (s: Servers): Target => ({
  name: "bare reference (node:http + pg, same checks)",
  prepare: () => resetReplay(s.users),
  request: async (i, time) => {
    const user = s.users[i % s.users.length]!;
    const code = await nextCode(user);
    await timedPost(time, "reference", `${s.reference}/verify`, { body: JSON.stringify({ userId: user.id, code }) });
  },
});

/** JSON in, JSON out, as the second step's request, and nothing between. */
export const emptyRoute = (s: Servers): Target => ({
  name: "empty Next.js route handler (JSON in and out)",
  request: (_i, time) =>
    timedPost(time, "empty route", `${s.empty.base}/api/empty`, {
      headers: { origin: s.empty.base, "content-type": "application/json" },
      body: JSON.stringify({ method: "totp", code: "123456" }),
    }),
});

export const emptyAction = (s: Servers): Target => ({
  name: "empty Next.js server action (same Next version)",
  request: (_i, time) =>
    timedPost(time, "empty action", `${s.empty.base}/`, {
      headers: {
        "next-action": s.empty.id,
        origin: s.empty.base,
        accept: "text/x-component",
        "content-type": "text/plain;charset=UTF-8",
      },
      body: "[]",
    }),
});

/** A floor's request, timed until its whole answer is read; anything but 200 is a failed request. */
async function timedPost(time: Time, label: string, url: string, init: RequestInit): Promise<void> {
  const status = await time(async () => {
    const response = await fetch(url, { method: "POST", ...init });
    await response.arrayBuffer();
    return response.status;
  });
  if (status !== 200) throw new HttpError(label, `HTTP ${status}`);
}
