import { redirect } from "next/navigation";
import { RequiredEnrolment } from "@/components/two-factor/required-enrolment";
import { currentSession } from "@/lib/auth/session";
import { confirmPasswordAgain, enableTwoFactor, startEnrolment } from "../../(app)/profile/actions";
import { addSecurityKey, securityKeyOptions } from "../../(app)/profile/key-actions";
import { PageTitle } from "@/components/ui/page-title";

/**
 * Where a signed-in user goes when an account of theirs now requires 2FA (enforced after they signed
 * in, or a grace period ended): every app page sends them here until they have enrolled.
 */
export default async function EnrolPage() {
  const session = await currentSession();
  if (!session) redirect("/login");
  // Just enrolled here: this render follows the re-issued cookie, while the recovery codes are still
  // on screen, so it must not navigate away; the page moves on once they are saved.
  if (!session.mustEnrol && !session.policy.hasSecondFactor) redirect("/profile");
  return (
    <>
      <PageTitle>Set up two-factor authentication</PageTitle>
      <RequiredEnrolment
        actions={{
          start: startEnrolment,
          enable: enableTwoFactor,
          confirmPassword: confirmPasswordAgain,
          key: { options: securityKeyOptions, add: addSecurityKey, confirmPassword: confirmPasswordAgain },
        }}
        email={session.user.email}
        accounts={session.policy.enforcedBy.map((a) => a.name)}
        required={session.mustEnrol}
      />
    </>
  );
}
