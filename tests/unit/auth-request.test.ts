import { NextRequest } from "next/server";
import { describe, expect, it } from "vitest";
import { checkAuthRequest } from "@/lib/auth/auth-request";

const BASE = "http://app.example";
const post = (body: string, type = "application/json", headers: Record<string, string> = {}) =>
  new NextRequest(`${BASE}/api/auth/callback/challenge`, {
    method: "POST",
    headers: { "content-type": type, ...headers },
    body,
  });

describe("requests for next-auth", () => {
  it("passes a JSON object of strings on, with its body intact", async () => {
    const check = await checkAuthRequest(post('{"csrfToken":"abc","json":"true"}'));
    expect(check.ok).toBe(true);
    if (check.ok) expect(await check.request.json()).toEqual({ csrfToken: "abc", json: "true" });
  });

  it("refuses JSON that does not parse, is not an object, or holds anything but strings", async () => {
    for (const body of ["{bad", "", "null", '"x"', "[1]", '{"callbackUrl":5}', '{"a":{"b":"c"}}']) {
      expect(await checkAuthRequest(post(body)), body).toMatchObject({ ok: false });
    }
  });

  it("leaves forms and other bodies to next-auth, which reads them safely", async () => {
    expect(
      await checkAuthRequest(post("callbackUrl=%2Fprofile&json=true", "application/x-www-form-urlencoded")),
    ).toMatchObject({ ok: true });
    expect(await checkAuthRequest(post("anything", "text/plain"))).toMatchObject({ ok: true });
  });

  it("refuses a callbackUrl query or cookie that is not an http(s) URL, and clears the cookie", async () => {
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/session?callbackUrl=abc`))).toMatchObject({
      ok: false,
    });
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/session?callbackUrl=%2Fprofile`))).toMatchObject({
      ok: true,
    });
    const cookie = new NextRequest(`${BASE}/api/auth/session`, {
      headers: { cookie: "next-auth.callback-url=javascript:alert(1)" },
    });
    expect(await checkAuthRequest(cookie)).toEqual({
      ok: false,
      status: 400,
      error: expect.any(String),
      clearCookies: ["next-auth.callback-url"],
    });
  });

  it("answers a GET of the credentials callback with 405 (next-auth: 500, 'not supported')", async () => {
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/callback/challenge`))).toMatchObject({
      ok: false,
      status: 405,
    });
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/session`))).toMatchObject({ ok: true });
  });

  it("refuses an error code that is not an identifier (next-auth puts it into a Location header as it is)", async () => {
    for (const path of [
      "/api/auth/error?error=%F2%BA%83%90",
      "/api/auth/error?error=a%0D%0Ab",
      "/api/auth/error/%E2%82%AC",
    ]) {
      expect(await checkAuthRequest(new NextRequest(`${BASE}${path}`)), path).toMatchObject({ ok: false, status: 400 });
    }
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/error?error=CredentialsSignin`))).toMatchObject({
      ok: true,
    });
    expect(await checkAuthRequest(new NextRequest(`${BASE}/api/auth/signin?error=%E2%82%AC`))).toMatchObject({
      ok: true,
    }); // encoded there
  });
});
