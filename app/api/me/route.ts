import { NextResponse } from "next/server";
import { currentUser } from "@/lib/auth/session";

/** The signed-in user's public profile; 401 for anyone else (including a half-finished sign-in). */
export async function GET() {
  const user = await currentUser();
  if (!user) return NextResponse.json({ error: "Not signed in." }, { status: 401 });
  return NextResponse.json({ id: user.id, email: user.email, name: user.name, twoFactor: user.totpEnabledAt !== null });
}
