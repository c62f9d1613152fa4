import "server-only";
import type { z } from "zod";
import { publicActionState } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";
import { log, REQUEST_ID_HEADER, requestIdFrom, withRequestId } from "@/lib/log";
import type { RequestMeta } from "@/lib/request-meta";
import { ACTION_BODY_LIMIT, refusals, sameOrigin, type Refusal } from "./action-request";
import { setSecurityHeaders } from "./security-headers";

// Nothing here is a page or runs a script: a JSON answer may load nothing and be framed by no one.
const JSON_CSP = "default-src 'none'; frame-ancestors 'none'";

const notJson: Refusal = { status: 415, message: "Send the request as application/json." };
const notParsed: Refusal = { status: 400, message: "The request body is not valid JSON." };

/**
 * A POST route that answers as a public server action does (lib/action: zod, then lib, then an
 * ActionState), as JSON. It is left out of proxy.ts's matcher, because Next calling a proxy costs
 * about 2 ms of CPU a request (docs/benchmarks.md), so it does what the proxy does for an action
 * itself: the same-origin rule and the body limit of actions, a request id for its log lines, and the
 * security headers. It takes only `application/json`, which no cross-site form can send.
 */
export function jsonEndpoint<S extends z.ZodType, T>(
  schema: S,
  fn: (input: z.infer<S>, meta: RequestMeta) => Promise<T>,
) {
  return async function POST(request: Request): Promise<Response> {
    const requestId = requestIdFrom(request.headers.get(REQUEST_ID_HEADER));
    return withRequestId(requestId, async () => {
      const body = await readJson(request);
      if ("refusal" in body) {
        const { status, message } = body.refusal;
        await log.warn("request.refused", { status, reason: message, path: new URL(request.url).pathname });
        return answer({ ok: false, error: message, code: ErrorCode.invalidInput }, status, requestId);
      }
      return answer(await publicActionState(schema, body.value, fn), 200, requestId);
    });
  };
}

async function readJson(request: Request): Promise<{ value: unknown } | { refusal: Refusal }> {
  if (!sameOrigin(request.headers)) return { refusal: refusals.origin };
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) return { refusal: notJson };
  if (Number(request.headers.get("content-length") ?? 0) > ACTION_BODY_LIMIT) return { refusal: refusals.size };
  const text = await readText(request, ACTION_BODY_LIMIT);
  if (text === null) return { refusal: refusals.size };
  try {
    return { value: JSON.parse(text) };
  } catch {
    return { refusal: notParsed };
  }
}

/** The body as text, or null once it passes `limit` bytes (a chunked body has no length to check first). */
async function readText(request: Request, limit: number): Promise<string | null> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const chunk = await reader.read().catch(() => null);
    if (!chunk || chunk.done) break; // a body cut short fails as JSON
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function answer(body: unknown, status: number, requestId: string): Response {
  const headers = new Headers({ "content-type": "application/json", "cache-control": "no-store" });
  setSecurityHeaders(headers, JSON_CSP, requestId);
  return new Response(JSON.stringify(body), { status, headers });
}
