import NextAuth from "next-auth";
import { NextResponse, type NextRequest } from "next/server";
import { checkAuthRequest } from "@/lib/auth/auth-request";
import { authOptions } from "@/lib/auth/options";
import { refuseFailedSignOut } from "@/lib/auth/sign-out";

type Handler = (request: NextRequest, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Options are built per request so configuration is read at run time, not at build time.
const handler: Handler = async (request, context) => {
  const check = await checkAuthRequest(request);
  if (!check.ok) {
    const refusal = NextResponse.json(
      { error: check.error },
      { status: check.status, headers: check.status === 405 ? { allow: "POST" } : {} },
    );
    for (const name of check.clearCookies) refusal.cookies.delete(name);
    return refusal;
  }
  return refuseFailedSignOut(() => NextAuth(authOptions())(check.request, context) as Promise<Response>);
};

export { handler as GET, handler as POST };
