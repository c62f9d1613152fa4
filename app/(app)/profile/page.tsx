import { Alert } from "@/components/ui/alert";
import { Card } from "@/components/ui/card";
import { NameForm, PasswordForm } from "@/components/profile/profile-forms";
import { RememberedDevicesCard } from "@/components/profile/remembered-devices-card";
import { SessionsCard } from "@/components/profile/sessions-card";
import { TwoFactorSection } from "@/components/two-factor/two-factor-section";
import { requireSession } from "@/lib/auth/session";
import { listRememberedDevices } from "@/lib/auth/remembered-devices";
import { listSessions } from "@/lib/auth/session-list";
import { approximatePlace } from "@/lib/auth/place";
import { readRememberCookie } from "@/lib/auth/sign-in/remember";
import { SESSION_LIFETIME_S } from "@/lib/auth/session-record";
import { describeBrowser, timeAgo, utcMinute } from "@/lib/auth/user-agent";
import { requestMeta } from "@/lib/request-meta";
import { safeRedirectPath } from "@/lib/safe-redirect";
import { twoFactorPolicy } from "@/lib/two-factor/policy";
import { LOW_RECOVERY_CODES } from "@/lib/two-factor/proof";
import { countUnusedRecoveryCodes } from "@/lib/two-factor/factors/recovery-code";
import { factorKindsToOffer } from "@/lib/two-factor/second-factor";
import { listWebAuthnCredentials } from "@/lib/two-factor/webauthn/credentials";
import {
  changePasswordAction,
  confirmPasswordAgain,
  enableTwoFactor,
  regenerateCodes,
  removeAuthenticator,
  startEnrolment,
  turnOffTwoFactor,
  updateName,
} from "./actions";
import { confirmKeyOptions } from "../confirm-actions";
import { addSecurityKey, removeSecurityKey, renameSecurityKey, securityKeyOptions } from "./key-actions";
import { PageTitle } from "@/components/ui/page-title";
import { signOutOtherSessions, signOutSession } from "./session-actions";
import { forgetAllRememberedDevices, forgetRememberedDevice } from "./device-actions";

type Params = { recoveryCodesLeft?: string; enrol?: string; returnTo?: string | string[] };

export default async function ProfilePage({ searchParams }: { searchParams: Promise<Params> }) {
  const session = await requireSession();
  const { user } = session;
  const now = new Date();
  const [policy, codesLeft, params, sessions, devices, keys, kinds] = await Promise.all([
    twoFactorPolicy(user.id),
    countUnusedRecoveryCodes(user.id),
    searchParams,
    listSessions(user.id, session.id, now),
    listRememberedDevices(user.id, now, await readRememberCookie()),
    listWebAuthnCredentials(user.id),
    factorKindsToOffer(user.id),
  ]);
  const usedRecoveryCode = params.recoveryCodesLeft !== undefined;
  const returnTo = safeRedirectPath(params.returnTo, (await requestMeta()).origin ?? "http://localhost", null);
  return (
    <div className="flex flex-col gap-6">
      <PageTitle>Profile</PageTitle>
      <h1 className="text-2xl font-semibold">Profile</h1>
      {usedRecoveryCode && policy.hasSecondFactor && (
        <Alert tone={codesLeft <= LOW_RECOVERY_CODES ? "warning" : "info"}>
          You signed in with a recovery code. {codesLeft} unused recovery code{codesLeft === 1 ? "" : "s"} left.
        </Alert>
      )}
      <TwoFactorSection
        actions={{
          start: startEnrolment,
          confirmPassword: confirmPasswordAgain,
          enable: enableTwoFactor,
          turnOff: turnOffTwoFactor,
          regenerate: regenerateCodes,
          removeAuthenticator,
          confirmKeyOptions,
          keys: {
            options: securityKeyOptions,
            confirmPassword: confirmPasswordAgain,
            add: addSecurityKey,
            rename: renameSecurityKey,
            remove: removeSecurityKey,
          },
        }}
        securityKeys={keys.map((key) => ({
          id: key.id,
          name: key.name,
          created: utcMinute(key.createdAt),
          lastUsed: key.lastUsedAt ? timeAgo(key.lastUsedAt, now) : "never",
        }))}
        hasAuthenticator={kinds.includes("totp")}
        confirmKinds={kinds}
        enabled={policy.hasSecondFactor}
        lockedBy={policy.enforcedBy.map((a) => a.name)}
        recoveryCodesLeft={codesLeft}
        recoveryCodesLow={codesLeft <= LOW_RECOVERY_CODES}
        email={user.email}
        openEnrolment={params.enrol === "1"}
        returnTo={returnTo ?? undefined}
      />
      <Card title="Your details">
        <dl className="mb-4 text-sm">
          <dt className="font-medium">Email</dt>
          <dd className="text-slate-700">{user.email}</dd>
        </dl>
        <NameForm updateName={updateName} name={user.name} />
      </Card>
      <Card title="Password" description="Changing it signs you out everywhere else.">
        <PasswordForm changePassword={changePasswordAction} />
      </Card>
      <SessionsCard
        sessions={sessions.map(({ signedInAt, lastActiveAt, ...s }) => ({
          ...s,
          place: approximatePlace(s.ip),
          signedIn: utcMinute(signedInAt),
          lastActive: timeAgo(lastActiveAt, now),
        }))}
        lifetimeHours={SESSION_LIFETIME_S / 3600}
        signOutSession={signOutSession}
        signOutOthers={signOutOtherSessions}
        confirmPassword={confirmPasswordAgain}
      />
      {(policy.hasSecondFactor || devices.length > 0) && (
        <RememberedDevicesCard
          devices={devices.map((d) => ({
            id: d.id,
            browser: describeBrowser(d.userAgent),
            ip: d.ip,
            place: approximatePlace(d.ip),
            lastUsed: timeAgo(d.lastUsedAt, now),
            until: utcMinute(d.until),
            current: d.current,
          }))}
          forget={forgetRememberedDevice}
          forgetAll={forgetAllRememberedDevices}
        />
      )}
    </div>
  );
}
