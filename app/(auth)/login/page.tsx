import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentUser } from "@/lib/auth/session";
import { LoginFlow } from "@/components/auth/login-flow";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ callbackUrl?: string; reset?: string }> }) {
  if (await currentUser()) redirect("/profile");
  const { callbackUrl, reset } = await searchParams;
  return <LoginFlow callbackUrl={safeCallback(callbackUrl)} notice={reset === "done" ? "Your password was changed. Sign in with the new one." : undefined} />;
}

/** Only same-site paths: "/x" yes, "//evil.example" and absolute URLs no. */
function safeCallback(value: string | undefined): string {
  return value && /^\/(?![/\\])/.test(value) ? value : "/profile";
}
