import { Card } from "@/components/ui/card";
import { EnforcementSettings } from "@/components/settings/enforcement-settings";
import { RememberDaysForm } from "@/components/settings/remember-days-form";
import { MAX_REMEMBER_DEVICE_DAYS } from "@/lib/auth/remembered-devices";
import { protectionSummary } from "@/lib/accounts/enforcement";
import { requireAccountAdmin } from "@/lib/auth/session";
import { MAX_GRACE_HOURS } from "@/lib/two-factor/proof";
import { factorKindsToOffer } from "@/lib/two-factor/second-factor";
import { confirmKeyOptions } from "../../confirm-actions";
import { enforceTwoFactor, setRememberDays, stopEnforcingTwoFactor } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

export default async function AuthenticationSettingsPage() {
  const { user, policy, membership } = await requireAccountAdmin();
  const { account } = membership;
  const [summary, confirmKinds] = await Promise.all([protectionSummary(account.id), factorKindsToOffer(user.id)]);
  const deadline = account.enforcedAt ? new Date(account.enforcedAt.getTime() + account.graceHours * 3_600_000) : null;
  return (
    <div className="flex flex-col gap-6">
      <PageTitle>Authentication</PageTitle>
      <h1 className="text-2xl font-semibold">Authentication: Configuration</h1>
      <Card title="Two-Factor Authentication" description={`Settings for ${account.name}.`}>
        <p className="mb-4 text-sm" data-testid="protection-summary">
          <strong>
            {summary.protected} of {summary.total}
          </strong>{" "}
          member{summary.total === 1 ? "" : "s"} protected
        </p>
        <EnforcementSettings
          actions={{ enforce: enforceTwoFactor, stopEnforcing: stopEnforcingTwoFactor, confirmKeyOptions }}
          accountId={account.id}
          confirmKinds={confirmKinds}
          maxGraceHours={MAX_GRACE_HOURS}
          enforced={account.enforceTwoFactor}
          adminHasTwoFactor={policy.hasSecondFactor}
          membersWithout={summary.total - summary.protected}
          graceDeadline={deadline && deadline > new Date() ? deadline.toISOString() : null}
        />
        <RememberDaysForm
          save={setRememberDays}
          confirmKeyOptions={confirmKeyOptions}
          confirmKinds={confirmKinds}
          accountId={account.id}
          days={account.rememberDeviceDays}
          maxDays={MAX_REMEMBER_DEVICE_DAYS}
          enforced={account.enforceTwoFactor}
        />
      </Card>
    </div>
  );
}
