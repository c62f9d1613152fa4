// Generators of the requests the fuzz test sends: every page, route handler and server action, with
// odd path segments, encodings, query strings, methods, content types and bodies. No generated value
// contains "@": with a valid email, sign-up would create an account, a change that is correct.
import fc from "fast-check";
import type { ServerAction } from "../build-manifest";

export type FuzzRequest = {
  kind: "page" | "route" | "action" | "form";
  method: string;
  path: string;
  headers: Record<string, string>;
  data?: Buffer;
  multipart?: Record<string, string | { name: string; mimeType: string; buffer: Buffer }>;
};

const noAt = (s: string) => s.replaceAll("@", "(at)");
const SPECIAL = [
  "",
  " ",
  "%",
  "$",
  "$$",
  "$$x",
  "$@1",
  "$K1",
  "$Q1",
  "$h1",
  "$n1x",
  "$B1",
  "$T",
  "$1",
  "$1:a",
  "$undefined",
  "$D",
  "\u0000",
  "__proto__",
  "constructor",
  "null",
  "[]",
  "{}",
  "<script>",
  "'",
  "\\",
  "..",
  "x".repeat(300),
  "1e999",
  "-1",
  "𝒳",
];
const text = fc
  .oneof(
    fc.string({ maxLength: 30, unit: "grapheme" }),
    fc.string({ maxLength: 120, unit: "binary" }),
    fc.constantFrom(...SPECIAL),
  )
  .map(noAt);
const headerText = fc
  .string({ maxLength: 40, unit: "grapheme-ascii" })
  .map((s) => noAt(s.replace(/[\x00-\x1f\x7f]/g, "")));

const BAD_ESCAPES = [
  "%",
  "%zz",
  "%E0%A4%A",
  "%C0",
  "%C0%AF",
  "%FF",
  "%ED%A0%80",
  "%F0%9F%98",
  "%u0041",
  "%2",
  "%00",
  "%2F",
  "%5C",
  "%2e%2e",
];
/** A path segment that cannot start a new authority ("//", "\\" stay encoded). */
const segment = fc.oneof(
  fc.webSegment().filter((s) => s.length > 0),
  text.filter((s) => s.length > 0).map(encodeURIComponent),
  fc
    .array(fc.oneof(fc.constantFrom(...BAD_ESCAPES), fc.webSegment()), { minLength: 1, maxLength: 4 })
    .map((parts) => parts.join("") || "%"),
  fc.constantFrom("..", ".", "~", "a".repeat(150), "index", "page", "route"),
);
const queryKey = fc.oneof(
  fc.constantFrom("callbackUrl", "continue", "reset", "type", "page", "error", "csrf", "token", "json", "_rsc"),
  segment,
);
const queryValue = fc.oneof(
  segment,
  fc.constantFrom(
    "1",
    "done",
    "-1",
    "0",
    "99999999999999999999",
    "NaN",
    "//evil.example",
    "%2F%2Fevil.example",
    "javascript:alert(1)",
  ),
);
const query = fc
  .array(fc.tuple(queryKey, queryValue), { maxLength: 4 })
  .map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${k}=${v}`).join("&")}` : ""));

/** Besides the build's own pages and route handlers: paths nothing serves, and next-auth's endpoints. */
const MORE_PAGES = ["/:", "/:/:", "/login/:", "/settings/:", "/_next/:", "/favicon.ico"];
const MORE_ROUTES = [
  "/api/auth/session",
  "/api/auth/csrf",
  "/api/auth/providers",
  "/api/auth/signin",
  "/api/auth/signin/challenge",
  "/api/auth/callback/challenge",
  "/api/auth/signout",
  "/api/auth/error",
  "/api/auth/_log",
  "/api/auth/verify-request",
  "/api/auth/callback/:",
  "/api/auth/signin/:",
  "/api/:",
  "/api/me/:",
];
const fill = (template: string) =>
  fc.array(segment, { minLength: 3, maxLength: 3 }).map((s) => {
    let i = 0;
    return template.replace(/:/g, () => s[i++]!);
  });
const pathFrom = (templates: string[]) => fc.constantFrom(...templates).chain(fill);

const FIELDS = [
  "email",
  "password",
  "name",
  "token",
  "code",
  "method",
  "currentPassword",
  "newPassword",
  "accountId",
  "membershipId",
  "invitationId",
  "role",
  "graceHours",
  "callbackUrl",
  "csrfToken",
  "json",
  "redirect",
  "0",
  "1",
  " ",
  "00",
  "0x0",
  "S0",
  "_1_email",
  "_1_password",
  "$ACTION_KEY",
  "__proto__",
];
const fieldName = fc.oneof(fc.constantFrom(...FIELDS), text);
const fields = fc.dictionary(fieldName, text, { maxKeys: 5 });
/** React reply rows: mostly well-formed argument lists with odd strings, sometimes broken on purpose. */
const replyRow = fc.oneof(
  fc
    .array(fc.oneof(fields, text, fc.jsonValue({ maxDepth: 2 })), { maxLength: 3 })
    .map((args) => noAt(JSON.stringify(args))),
  fc.jsonValue({ maxDepth: 3 }).map((v) => noAt(JSON.stringify(v) ?? "")),
  fc.tuple(fields, fc.nat(40)).map(([f, cut]) => JSON.stringify([f]).slice(0, cut)),
  text,
);
/** Multipart bodies written by hand (boundary "zz"): odd dispositions, line ends, a missing end. */
const disposition = fc.constantFrom(
  'name="%s"',
  "name=%s",
  "name*=utf-8''%s",
  'name="%s"; filename="f.txt"',
  'filename="%s"',
  "",
);
const multipartText = fc
  .record({
    parts: fc.array(fc.tuple(fieldName, disposition, text), { maxLength: 4 }),
    eol: fc.constantFrom("\r\n", "\n"),
    end: fc.constantFrom("--zz--", "--zz", ""),
  })
  .map(
    ({ parts, eol, end }) =>
      parts
        .map(
          ([name, d, value]) =>
            `--zz${eol}content-disposition: form-data; ${d.replace("%s", name)}${eol}${eol}${value}${eol}`,
        )
        .join("") + end,
  );
const CONTENT_TYPES = [
  "application/json",
  "application/x-www-form-urlencoded",
  "text/plain;charset=UTF-8",
  "multipart/form-data; boundary=zz",
  "multipart/form-data",
  "application/octet-stream",
  "text/x-component",
  "application/json; charset=utf-8",
  "garbage/",
  "",
];
const rawBody = fc
  .oneof(
    replyRow,
    fields.map((f) => new URLSearchParams(f).toString()),
    fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b).toString("latin1")),
    multipartText,
  )
  .map((s) => Buffer.from(s));
/** Mostly this site's own origin, so most calls get past the CSRF check and into React's decoder. */
const origin = (base: string) =>
  fc.oneof(
    { weight: 6, arbitrary: fc.constant(base) },
    { weight: 2, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.constantFrom("https://evil.example", "not a url", "null", base.replace("localhost", "127.0.0.1")),
    },
  );
const rarely = <T>(arbitrary: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary });
const extraHeaders = fc
  .record({
    "x-forwarded-for": rarely(fc.oneof(headerText, fc.constantFrom("10.1.2.3", "::1", "1.2.3.4, 5.6.7.8"))),
    "x-forwarded-host": rarely(headerText),
    accept: rarely(fc.constantFrom("text/x-component", "*/*", "application/json")),
    rsc: rarely(fc.constant("1")),
  })
  .map(
    (headers) =>
      Object.fromEntries(Object.entries(headers).filter(([, v]) => v !== undefined)) as Record<string, string>,
  );
const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const withBody = (method: string) => method !== "GET" && method !== "HEAD";

function plainRequest(kind: "page" | "route", templates: string[]) {
  return fc
    .record({
      method: fc.constantFrom(...METHODS),
      path: pathFrom(templates),
      query,
      type: fc.constantFrom(...CONTENT_TYPES),
      body: rawBody,
      extra: extraHeaders,
    })
    .map(({ method, path, query, type, body, extra }): FuzzRequest => ({
      kind,
      method,
      path: path + query,
      headers: { ...extra, ...(withBody(method) && type ? { "content-type": type } : {}) },
      data: withBody(method) ? body : undefined,
    }));
}

const part = fc.oneof(
  text,
  fc
    .uint8Array({ maxLength: 50 })
    .map((b) => ({ name: "f.bin", mimeType: "application/octet-stream", buffer: Buffer.from(b) })),
);
const replyForm = fc
  .record({ root: fc.oneof(replyRow, part), rest: fc.dictionary(fieldName, part, { maxKeys: 4 }) })
  .map(({ root, rest }) => ({ ...rest, "0": root }));

/** Fetch-style calls (Next-Action header) to every action, and unknown ids, with any body and origin. */
export function actionRequest(actions: ServerAction[], base: string, pages: string[]) {
  const id = fc.oneof(
    fc.constantFrom(...actions.map((a) => a.id)),
    fc.constantFrom("7f" + "0".repeat(40), "00", "x"),
    headerText,
  );
  const path = fc.oneof(fc.constantFrom(...actions.flatMap((a) => a.paths)), pathFrom([...pages, ...MORE_PAGES]));
  return fc
    .record({
      id,
      path,
      origin: origin(base),
      type: fc.constantFrom(...CONTENT_TYPES),
      body: fc.oneof(rawBody, replyForm),
      extra: extraHeaders,
    })
    .map(({ id, path, origin, type, body, extra }): FuzzRequest => ({
      kind: "action",
      method: "POST",
      path,
      headers: {
        ...extra,
        "next-action": id,
        ...(origin ? { origin } : {}),
        ...(Buffer.isBuffer(body) && type ? { "content-type": type } : {}),
      },
      ...(Buffer.isBuffer(body) ? { data: body } : { multipart: body }),
    }));
}

/** Forms posted without JavaScript: "$ACTION_ID_…" or a "$ACTION_REF_n" descriptor with bound arguments. */
export function formRequest(actions: ServerAction[], base: string, pages: string[]) {
  const id = fc.oneof(fc.constantFrom(...actions.map((a) => a.id)), headerText);
  const bound = fc.oneof(
    fc.constant('"$@1"'),
    fc.constant("null"),
    text.map((t) => JSON.stringify(t)),
  );
  const descriptor = fc.oneof(
    fc
      .tuple(id, bound)
      .map(([i, b]) => ({ $ACTION_REF_1: "", "$ACTION_1:0": `{"id":${JSON.stringify(i)},"bound":${b}}` })),
    fc.tuple(id, text).map(([i, t]) => ({ $ACTION_REF_1: "", "$ACTION_1:0": `{"id":"${i}"${t}` })),
    id.map((i) => ({ [`$ACTION_ID_${i}`]: "" })),
  );
  return fc
    .record({
      descriptor,
      row: replyRow,
      key: fc.option(text),
      rest: fields,
      path: pathFrom([...pages, ...MORE_PAGES]),
      origin: origin(base),
    })
    .map(({ descriptor, row, key, rest, path, origin }): FuzzRequest => ({
      kind: "form",
      method: "POST",
      path,
      headers: origin ? { origin } : {},
      multipart: { ...rest, ...descriptor, "$ACTION_1:1": row, ...(key === null ? {} : { $ACTION_KEY: key }) },
    }));
}

/**
 * Signed-in calls whose arguments no action accepts (no object among them), or bodies that do not
 * decode: with a session, well-formed arguments would make legitimate changes (a new name, say).
 */
export function signedInActionRequest(actions: ServerAction[], base: string) {
  const notAnObject = fc.oneof(text, fc.integer(), fc.constant(null), fc.array(text, { maxLength: 2 }));
  const body = fc.oneof(
    { weight: 3, arbitrary: fc.array(notAnObject, { maxLength: 2 }).map((args) => noAt(JSON.stringify(args))) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString("latin1")) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fields, fc.nat(30))
        .map(([f, cut]) => JSON.stringify([f]).slice(0, Math.min(cut, JSON.stringify([f]).length - 1))),
    },
  );
  return fc
    .record({
      action: fc.constantFrom(...actions),
      body,
      type: fc.constantFrom("text/plain;charset=UTF-8", "application/json", ""),
    })
    .chain(({ action, body, type }) =>
      fc.constantFrom(...action.paths).map((path): FuzzRequest => ({
        kind: "action",
        method: "POST",
        path,
        headers: { "next-action": action.id, origin: base, ...(type ? { "content-type": type } : {}) },
        data: Buffer.from(body),
      })),
    );
}

export const pageRequest = (pages: string[]) => plainRequest("page", [...pages, ...MORE_PAGES]);
export const routeRequest = (routes: string[]) => plainRequest("route", [...routes, ...MORE_ROUTES]);
