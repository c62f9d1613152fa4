import "server-only";
import type { z } from "zod";
import { publicActionState } from "@/lib/action";
import { ErrorCode } from "@/lib/errors";
import { log, REQUEST_ID_HEADER, requestIdFrom, withRequestId } from "@/lib/log";
import type { RequestMeta } from "@/lib/request-meta";
import { ACTION_BODY_LIMIT, fromThisSite, refusals, type Refusal } from "./action-request";
import { JSON_CSP, setSecurityHeaders } from "./security-headers";

type Refused = Refusal & { code: ErrorCode };
const refused = {
  site: { status: 403, message: "Sign-in requests are only accepted from this site.", code: ErrorCode.forbidden },
  type: { status: 415, message: "Send the request as application/json.", code: ErrorCode.invalidInput },
  size: { ...refusals.size, code: ErrorCode.invalidInput },
  body: { status: 400, message: "The request body is not valid JSON.", code: ErrorCode.invalidInput },
} satisfies Record<string, Refused>;

/**
 * A POST route that answers as a public server action does (lib/action: zod, then lib, then an
 * ActionState), as JSON. It is left out of proxy.ts's matcher, because Next calling a proxy costs
 * about 2 ms of CPU a request (docs/benchmarks.md), so it does what the proxy does for an action
 * itself: the same-origin rule and the body limit of actions, a request id for its log lines, and the
 * security headers (next.config.js sets the same on Next's own answers there, a 405 to a GET). It
 * takes only `application/json` from a page of this site, and no cross-site form can send that type.
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
        const { status, message, code } = body.refusal;
        await log.warn("request.refused", { status, reason: message, path: new URL(request.url).pathname });
        return answer({ ok: false, error: message, code }, status, requestId);
      }
      return answer(await publicActionState(schema, body.value, fn), 200, requestId);
    });
  };
}

async function readJson(request: Request): Promise<{ value: unknown } | { refusal: Refused }> {
  const { headers } = request;
  if (!fromThisSite(headers)) return { refusal: refused.site };
  if (!/^application\/json\s*(;|$)/i.test(headers.get("content-type") ?? "")) return { refusal: refused.type };
  if (Number(headers.get("content-length") ?? 0) > ACTION_BODY_LIMIT) return { refusal: refused.size };
  const body = await readText(request, ACTION_BODY_LIMIT);
  if (body === TOO_LONG) return { refusal: refused.size };
  try {
    if (body === BROKEN) throw new Error("the body broke off");
    return { value: JSON.parse(body) };
  } catch {
    return { refusal: refused.body };
  }
}

const TOO_LONG = Symbol("too long");
const BROKEN = Symbol("broken off");

/** The body as text, unless it passes `limit` bytes (a chunked body has no length to check first) or breaks off. */
async function readText(request: Request, limit: number): Promise<string | typeof TOO_LONG | typeof BROKEN> {
  if (!request.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const chunk = await reader.read().catch(() => null);
    if (!chunk) return BROKEN;
    if (chunk.done) break;
    size += chunk.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return TOO_LONG;
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
