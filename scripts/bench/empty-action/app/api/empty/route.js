/**
 * Reads a JSON body and answers JSON, nothing else: what Next itself costs a route handler such as
 * Twofold's sign-in steps (app/api/login), the floor for them as the empty action is for an action.
 */
export async function POST(request) {
  await request.json();
  return Response.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}
