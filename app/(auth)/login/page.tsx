import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { openSignIn } from "@/lib/auth/cookies";
import { currentSession, ENROL_PATH } from "@/lib/auth/session";
import { LoginFlow } from "@/components/auth/login-flow";

export const metadata: Metadata = { title: "Sign in" };

type Params = { callbackUrl?: string; reset?: string; continue?: string };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Params> }) {
  const session = await currentSession();
  if (session) redirect(session.mustEnrol ? ENROL_PATH : "/profile");
  const params = await searchParams;
  // ?continue=1 resumes a sign-in opened elsewhere (accepting an invitation), from the server's state.
  const resume = params.continue === "1" ? await openSignIn() : null;
  return (
    <LoginFlow
      callbackUrl={safeCallback(params.callbackUrl)}
      resume={resume}
      notice={params.reset === "done" ? "Your password was changed. Sign in with the new one." : undefined}
    />
  );
}

/** Only same-site paths: "/x" yes, "//evil.example" and absolute URLs no. */
function safeCallback(value: string | undefined): string {
  return value && /^\/(?![/\\])/.test(value) ? value : "/profile";
}
