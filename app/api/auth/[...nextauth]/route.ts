import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

type Handler = (request: Request, context: { params: Promise<{ nextauth: string[] }> }) => Promise<Response>;

// Options are built per request so configuration is read at run time, not at build time.
const handler: Handler = (request, context) => NextAuth(authOptions())(request, context) as Promise<Response>;

export { handler as GET, handler as POST };
