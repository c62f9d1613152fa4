import { redirect } from "next/navigation";
import { openSignIn } from "@/lib/auth/sign-in";
import { currentSession, ENROL_PATH } from "@/lib/auth/session";
import { requestMeta } from "@/lib/request-meta";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { LoginFlow } from "@/components/auth/sign-in/login-flow";
import {
  finishLoginEnrolment,
  finishLoginKeyEnrolment,
  resumeSignIn,
  secondFactorOptions,
  startLoginEnrolment,
  startLoginKeyEnrolment,
} from "./actions";
import { PageTitle } from "@/components/ui/page-title";

type Params = { callbackUrl?: string | string[]; reset?: string; continue?: string };

export default async function LoginPage({ searchParams }: { searchParams: Promise<Params> }) {
  const params = await searchParams;
  const callbackUrl = safeRedirectPath(params.callbackUrl, (await requestMeta()).origin ?? "http://localhost");
  const session = await currentSession();
  if (session) redirect(session.mustEnrol ? ENROL_PATH : callbackUrl);
  // ?continue=1 resumes a sign-in opened elsewhere (accepting an invitation), from the server's state.
  const resume = params.continue === "1" ? await openSignIn() : null;
  return (
    <>
      <PageTitle>Sign in</PageTitle>
      <LoginFlow
        actions={{
          secondFactorOptions,
          enrolment: {
            start: startLoginEnrolment,
            enable: finishLoginEnrolment,
            key: { options: startLoginKeyEnrolment, add: finishLoginKeyEnrolment },
          },
          resume: resumeSignIn,
        }}
        callbackUrl={callbackUrl}
        resume={resume}
        notice={params.reset === "done" ? "Your password was changed. Sign in with the new one." : undefined}
      />
    </>
  );
}
