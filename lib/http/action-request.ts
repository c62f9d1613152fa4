// Server action requests are checked before Next sees them: Next answers a cross-site or unparseable
// Origin, an oversized body and a body React cannot decode with HTTP 500 (vercel/next.js#86945).
// The same conditions get a 4xx here, so a 500 only ever means a fault of ours.
import { hasOnlyArgumentFields, isActionArguments, isActionFormDescriptor, type ReplyRows } from "./action-reply";

/** The same limit as `experimental.serverActions.bodySizeLimit` in next.config.js (tested to agree). */
export const ACTION_BODY_LIMIT = 64 * 1024;

export type Refusal = { status: 400 | 403 | 413 | 415; message: string };

export const refusals = {
  origin: { status: 403, message: "Server actions are only accepted from this site." },
  size: { status: 413, message: "The request body is too large." },
  body: { status: 400, message: "Invalid Server Action request." },
} satisfies Record<string, Refusal>;

/** Next's own test for "could be a server action" (next/dist/server/lib/server-action-request-meta). */
function actionKind(request: Request): "fetch" | "form" | null {
  if (request.method !== "POST") return null;
  const type = request.headers.get("content-type");
  if (type === "application/x-www-form-urlencoded") return null; // Next answers these itself, without decoding
  if (request.headers.has("next-action")) return "fetch";
  return type?.startsWith("multipart/form-data") ? "form" : null;
}

/**
 * A POST from one of this site's own pages. It names its Origin, whose host is the one it was sent to
 * (the first X-Forwarded-Host, else Host, as Next compares them), and Sec-Fetch-Site, where the browser
 * sends it, says "same-origin". Every browser names the Origin of a POST, a form's included; Next lets
 * a request without one through, which only a script would send. (next.config.js lists no
 * serverActions.allowedOrigins; one added there must be accepted here too.)
 */
export function fromThisSite(headers: Headers): boolean {
  const origin = headers.get("origin");
  const fetchSite = headers.get("sec-fetch-site");
  if (origin === null || (fetchSite !== null && fetchSite !== "same-origin")) return false;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    return false;
  }
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  return !!originHost && originHost === host;
}

async function readRows(request: Request, body: ArrayBuffer): Promise<FormData | null> {
  const parser = new Request("http://localhost/", {
    method: "POST",
    headers: { "content-type": request.headers.get("content-type")! },
    body,
  });
  return parser.formData().catch(() => null);
}

function formIsDecodable(form: FormData): boolean {
  const refs = [...form.keys()]
    .filter((key) => key.startsWith("$ACTION_REF_"))
    .map((key) => key.slice("$ACTION_REF_".length));
  return refs.every((ref) => isActionFormDescriptor(form, ref));
}

export async function refuseActionRequest(request: Request): Promise<Refusal | null> {
  const kind = actionKind(request);
  if (!kind) return null;
  if (!fromThisSite(request.headers)) return refusals.origin;
  if (Number(request.headers.get("content-length") ?? 0) > ACTION_BODY_LIMIT) return refusals.size;
  const body = await request.arrayBuffer().catch(() => null);
  if (!body) return refusals.body;
  if (body.byteLength > ACTION_BODY_LIMIT) return refusals.size;

  const multipart = request.headers.get("content-type")?.startsWith("multipart/form-data");
  if (!multipart) {
    const text = new TextDecoder().decode(body);
    const rows: ReplyRows = { getAll: (name) => (name === "0" ? [text] : []) };
    return isActionArguments(rows) ? null : refusals.body;
  }
  const form = await readRows(request, body);
  if (!form) return refusals.body;
  if (kind === "fetch") return hasOnlyArgumentFields(form) && isActionArguments(form) ? null : refusals.body;
  return formIsDecodable(form) ? null : refusals.body;
}
