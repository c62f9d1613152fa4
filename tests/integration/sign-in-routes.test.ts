// Sign-in's password and second step are JSON routes outside proxy.ts (app/api/login/), so they make
// the proxy's checks themselves (lib/http/json-endpoint): a request a browser on this site would not
// send is refused before the password or the challenge is touched, and every answer carries the headers.
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ErrorCode } from "@/lib/errors";
import {
  finishSignIn,
  jar,
  SESSION_COOKIE,
  sessionEndpoint,
  signedInWith,
  siteRequest,
  submitPassword,
  submitSecondFactor,
} from "./browser";
import { freshDatabasePerFile } from "./database";
import { makeUserWithTwoFactor, PASSWORD } from "./fixtures";

vi.mock("next/headers", async () => (await import("./browser")).nextHeaders);
const { POST } = await import("@/app/api/login/second-factor/route");
const passwordRoute = await import("@/app/api/login/password/route");

const { prisma } = freshDatabasePerFile();
beforeEach(() => jar.clear());

/** The route as a browser on this site calls it; a header given as null is left out. */
function post(body: BodyInit, headers: Record<string, string | null> = {}, route = POST) {
  const path = route === POST ? "/api/login/second-factor" : "/api/login/password";
  return route(siteRequest(path, body, headers));
}

async function openSignIn() {
  const grace = await makeUserWithTwoFactor("Grace");
  const step1 = await submitPassword({ email: grace.user.email, password: PASSWORD });
  expect(step1.data?.requirement).toBe("verify");
  const attempts = async () =>
    (await prisma().loginChallenge.findFirstOrThrow({ where: { userId: grace.user.id } })).attempts;
  return { grace, attempts };
}

/** A body that never says its length: 1 KiB chunks, `kib` of them. */
function chunked(kib: number) {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (sent++ < kib) controller.enqueue(new Uint8Array(1024).fill(0x20));
      else controller.close();
    },
  });
}

/** A body whose sender goes away after a complete-looking start. */
function brokenOff() {
  // The error comes on the read after the JSON (error() in start() would drop the queued chunk too).
  let pulls = 0;
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulls++ === 0) controller.enqueue(new TextEncoder().encode('{"method":"totp","code":"000000"}'));
      else controller.error(new Error("connection reset"));
    },
  });
}

describe("sign-in's JSON routes", () => {
  it("refuses another site, another type, an oversized or unreadable body, and spends no attempt", async () => {
    const { grace, attempts } = await openSignIn();
    const body = JSON.stringify({ method: "totp", code: "000000" });
    const refused: [string, Response, number][] = [
      ["another site", await post(body, { origin: "https://evil.example" }), 403],
      ["an opaque origin", await post(body, { origin: "null" }), 403],
      ["no origin (not a browser's fetch)", await post(body, { origin: null }), 403],
      ["a cross-site fetch", await post(body, { "sec-fetch-site": "cross-site" }), 403],
      ["a same-site fetch from another origin", await post(body, { "sec-fetch-site": "same-site" }), 403],
      ["a form's type", await post(body, { "content-type": "text/plain;charset=UTF-8" }), 415],
      [
        "a form's encoding",
        await post("method=totp&code=000000", { "content-type": "application/x-www-form-urlencoded" }),
        415,
      ],
      ["a long body", await post(JSON.stringify({ method: "totp", code: "x".repeat(70_000) })), 413],
      ["a long body without a length", await post(chunked(100)), 413],
      ["not JSON", await post("{bad"), 400],
      ["nothing", await post(""), 400],
      ["a body that breaks off", await post(brokenOff()), 400],
    ];
    for (const [name, response, status] of refused) {
      expect({ name, status: response.status }).toEqual({ name, status });
      expect({ name, answer: await response.json() }).toMatchObject({ name, answer: { ok: false } });
    }
    expect(await attempts()).toBe(0);

    // Well-formed JSON the schema refuses is the action's own answer, as before.
    const odd = await post("null");
    expect(odd.status).toBe(200);
    expect(await odd.json()).toMatchObject({ ok: false, code: ErrorCode.invalidInput });
    expect(await attempts()).toBe(0);

    // A browser's own fetch from this site says so; the right code still signs in.
    const sameSite = await post(JSON.stringify({ method: "totp", code: "000000" }), {
      "sec-fetch-site": "same-origin",
    });
    expect(await sameSite.json()).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(await attempts()).toBe(1);
    expect(await submitSecondFactor(await grace.proof())).toMatchObject({ ok: true });
    expect(await attempts()).toBe(2);
  });

  it("takes a chunked body under the limit, and names every answer's request id with the security headers", async () => {
    const { attempts } = await openSignIn();
    const padded = new TextEncoder().encode(`{"method":"totp","code":"000000"}${" ".repeat(2000)}`);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(padded.slice(0, 1000));
        controller.enqueue(padded.slice(1000));
        controller.close();
      },
    });
    const wrong = await post(stream, { "x-request-id": "lb-1234567890" });
    expect(await wrong.json()).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(await attempts()).toBe(1);
    expect(wrong.headers.get("x-request-id")).toBe("lb-1234567890");

    for (const response of [wrong, await post("{bad", { "x-request-id": 'evil"}, {"x' })]) {
      expect(response.headers.get("x-request-id")).toMatch(/^(lb-1234567890|[0-9a-f-]{36})$/);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      expect(response.headers.get("x-frame-options")).toBe("DENY");
      expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    }
  });

  it("a right code's answer carries the session cookie, and its challenge is not exchanged again", async () => {
    const { grace } = await openSignIn();
    const answer = await submitSecondFactor({ method: "totp", code: await grace.nextCode() });
    expect(answer).toEqual({ ok: true, data: { recoveryCodesLeft: null, signedIn: true } });
    const cookie = jar.get(SESSION_COOKIE);
    expect(await signedInWith(cookie)).toBe(true);
    expect(await sessionEndpoint()).toMatchObject({ uid: grace.user.id });
    // next-auth's exchange of the same challenge (the page would not ask): no second session.
    jar.delete(SESSION_COOKIE);
    expect(await finishSignIn()).toBe(false);
    expect(await prisma().session.count({ where: { userId: grace.user.id } })).toBe(1);
  });

  it("a wrong code's answer carries no session", async () => {
    const { grace } = await openSignIn();
    const answer = await submitSecondFactor({ method: "totp", code: "000000" });
    expect(answer).toMatchObject({ ok: false, code: ErrorCode.invalidCode });
    expect(jar.has(SESSION_COOKIE)).toBe(false);
    expect(await prisma().session.count({ where: { userId: grace.user.id } })).toBe(0);
  });

  it("the password route: another site's request with the right password opens no sign-in", async () => {
    const grace = await makeUserWithTwoFactor("Grace");
    const body = JSON.stringify({ email: grace.user.email, password: PASSWORD });
    const challenges = () => prisma().loginChallenge.count({ where: { userId: grace.user.id } });
    const foreign: Record<string, string | null>[] = [
      { origin: "https://evil.example" },
      { origin: null },
      { "sec-fetch-site": "cross-site" },
    ];
    for (const headers of foreign) {
      const response = await post(body, headers, passwordRoute.POST);
      expect(response.status).toBe(403);
      expect(await response.json()).toMatchObject({ ok: false, code: ErrorCode.forbidden });
    }
    expect((await post(body, { "content-type": "text/plain" }, passwordRoute.POST)).status).toBe(415);
    expect(await challenges()).toBe(0);
    expect(jar.size).toBe(0);

    const step1 = await post(body, {}, passwordRoute.POST);
    expect(step1.headers.get("x-frame-options")).toBe("DENY");
    expect(await step1.json()).toMatchObject({
      ok: true,
      data: { requirement: "verify", kinds: ["totp", "recovery"] },
    });
    expect(await challenges()).toBe(1);
    expect(jar.has("twofold.challenge")).toBe(true);
  });
});
