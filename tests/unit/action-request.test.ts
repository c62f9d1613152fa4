import { createRequire } from "node:module";
import { describe, expect, it } from "vitest";
import { ACTION_BODY_LIMIT, refuseActionRequest } from "@/lib/http/action-request";
import { hasMalformedEncoding } from "@/lib/http/malformed-path";

const ID = "7f" + "ab".repeat(20);
const ORIGIN = "http://app.example";

/** A fetch-style call; a FormData body brings its own multipart content type. */
function fetchAction(body: BodyInit, headers: Record<string, string> = {}) {
  const type: Record<string, string> = body instanceof FormData ? {} : { "content-type": "text/plain;charset=UTF-8" };
  return new Request(`${ORIGIN}/login`, {
    method: "POST",
    headers: { host: "app.example", origin: ORIGIN, "next-action": ID, ...type, ...headers },
    body,
  });
}

function form(entries: Record<string, string>, headers: Record<string, string> = {}) {
  const body = new FormData();
  for (const [k, v] of Object.entries(entries)) body.append(k, v);
  return new Request(`${ORIGIN}/forgot-password`, {
    method: "POST",
    headers: { host: "app.example", origin: ORIGIN, ...headers },
    body,
  });
}

describe("server action requests checked before Next decodes them", () => {
  it("lets through what React's client sends: plain arguments, FormData, useActionState forms", async () => {
    expect(await refuseActionRequest(fetchAction("[]"))).toBeNull();
    expect(await refuseActionRequest(fetchAction('[{"code":"123456","method":"totp"}]'))).toBeNull();
    expect(
      await refuseActionRequest(
        fetchAction('[{"ok":true,"data":"$undefined","name":"$$dollar"},"$D2026-01-01T00:00:00.000Z"]'),
      ),
    ).toBeNull();
    const withFormData = new FormData();
    withFormData.append("0", '[{"ok":true},"$K1"]');
    withFormData.append("_1_name", "Ada $Lovelace");
    expect(await refuseActionRequest(fetchAction(withFormData))).toBeNull();
    const descriptor = {
      $ACTION_REF_1: "",
      "$ACTION_1:0": `{"id":"${ID}","bound":"$@1"}`,
      "$ACTION_1:1": "[{}]",
      $ACTION_KEY: "k1",
      email: "a@b.c",
    };
    expect(await refuseActionRequest(form(descriptor))).toBeNull();
    expect(await refuseActionRequest(form({ [`$ACTION_ID_${ID}`]: "", email: "a@b.c" }))).toBeNull();
  });

  it("refuses bodies React cannot decode with 400", async () => {
    for (const body of [
      "{bad",
      "",
      '"x"',
      "[1",
      "{}",
      '["$@1"]',
      '["$Q1"]',
      '["$h1"]',
      '["$n1"]',
      '["$B1"]',
      '["$1"]',
      '["$"]',
      '["$T"]',
      "[".repeat(100) + "]".repeat(100),
    ]) {
      expect(await refuseActionRequest(fetchAction(body)), body).toMatchObject({ status: 400 });
    }
    expect(
      await refuseActionRequest(fetchAction("garbage", { "content-type": "multipart/form-data; boundary=x" })),
    ).toMatchObject({ status: 400 });
    for (const name of [" ", "00", "0x0", "1", "S0"]) {
      const renamed = new FormData();
      renamed.append("0", "[{}]");
      renamed.append(name, "[]"); // React reads it as a row by number: row 0 again, or one nothing refers to
      expect(await refuseActionRequest(fetchAction(renamed)), JSON.stringify(name)).toMatchObject({ status: 400 });
    }
    const fileAsRoot = new FormData();
    fileAsRoot.append("0", new Blob(["[]"]), "f.bin");
    expect(await refuseActionRequest(fetchAction(fileAsRoot))).toMatchObject({ status: 400 });
    for (const descriptor of [
      "{bad",
      `{"id":"${ID}","bound":"$@1"}`,
      `{"id":"${ID}","bound":"x"}`,
      `{"id":5,"bound":null}`,
      "[]",
    ]) {
      expect(
        await refuseActionRequest(form({ $ACTION_REF_1: "", "$ACTION_1:0": descriptor })),
        descriptor,
      ).toMatchObject({ status: 400 });
    }
  });

  it("refuses another origin, a malformed one and 'null' with 403, as Next would (but without its 500)", async () => {
    for (const origin of ["https://evil.example", "not a url", "null", "http://app.example.evil"]) {
      expect(await refuseActionRequest(fetchAction("[]", { origin })), origin).toMatchObject({ status: 403 });
      expect(await refuseActionRequest(form({ [`$ACTION_ID_${ID}`]: "" }, { origin })), origin).toMatchObject({
        status: 403,
      });
    }
    expect(await refuseActionRequest(fetchAction("[]", { "x-forwarded-host": "other.example" }))).toMatchObject({
      status: 403,
    });
    expect(
      await refuseActionRequest(fetchAction("[]", { "x-forwarded-host": "app.example, proxy.internal" })),
    ).toBeNull();
  });

  it("refuses a request that names no Origin, or that the browser says came from elsewhere", async () => {
    for (const request of [fetchAction("[]"), form({ [`$ACTION_ID_${ID}`]: "" })]) {
      request.headers.delete("origin");
      expect(await refuseActionRequest(request)).toMatchObject({ status: 403 });
    }
    for (const site of ["cross-site", "same-site", "none"]) {
      expect(await refuseActionRequest(fetchAction("[]", { "sec-fetch-site": site })), site).toMatchObject({
        status: 403,
      });
    }
    expect(await refuseActionRequest(fetchAction("[]", { "sec-fetch-site": "same-origin" }))).toBeNull();
  });

  it("refuses a body over the limit with 413, and the limit is next.config.js's", async () => {
    expect(await refuseActionRequest(fetchAction(`["${"x".repeat(ACTION_BODY_LIMIT)}"]`))).toMatchObject({
      status: 413,
    });
    const config = createRequire(import.meta.url)("../../next.config.js") as {
      experimental: { serverActions: { bodySizeLimit: string } };
    };
    expect(config.experimental.serverActions.bodySizeLimit).toBe(`${ACTION_BODY_LIMIT / 1024}kb`);
  });

  it("leaves other requests alone", async () => {
    expect(await refuseActionRequest(new Request(`${ORIGIN}/login`))).toBeNull();
    const urlencoded = new Request(`${ORIGIN}/login`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", origin: "https://evil.example" },
      body: "a=%",
    });
    expect(await refuseActionRequest(urlencoded)).toBeNull(); // Next answers these itself, without decoding
    expect(
      await refuseActionRequest(
        new Request(`${ORIGIN}/login`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: "{bad",
        }),
      ),
    ).toBeNull();
  });
});

describe("malformed percent-encoding in a path", () => {
  it("spots a segment that does not decode, and only that", () => {
    for (const path of ["/invite/%", "/reset-password/%E0%A4%A", "/a/%zz/b", "/%C0%AF", "/%ED%A0%80"])
      expect(hasMalformedEncoding(path), path).toBe(true);
    for (const path of ["/", "/invite/abc", "/a%20b", "/%E2%82%AC", "/%2F", "/settings/users"])
      expect(hasMalformedEncoding(path), path).toBe(false);
  });
});
