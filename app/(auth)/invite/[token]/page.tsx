import type { Metadata } from "next";
import Link from "next/link";
import { Alert } from "@/components/ui/alert";
import { InviteFlow } from "@/components/auth/invite-flow";
import { findInvitation } from "@/lib/accounts/invitations";
import { currentSession } from "@/lib/auth/session";
import { confirmPasswordAgain } from "../../../(app)/profile/actions";
import { acceptAsExistingUser, acceptAsNewUser, acceptSignedIn } from "./actions";
import { PageTitle } from "@/components/ui/page-title";

export const metadata: Metadata = { referrer: "same-origin" };

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = token.length <= 100 ? await findInvitation(token) : null;
  if (!invitation) {
    return (
      <div className="flex flex-col gap-4">
        <PageTitle>Join an account</PageTitle>
        <h1 className="text-2xl font-semibold">Join an account</h1>
        <Alert tone="error">This invitation is invalid, has expired or was already used. Ask for a new one.</Alert>
        <Link href="/login" className="text-brand-600 underline">
          Go to sign in
        </Link>
      </div>
    );
  }
  const session = await currentSession();
  const signedInAsInvitee = !!session && !session.mustEnrol && session.user.id === invitation.existingUserId;
  return (
    <>
      <PageTitle>Join an account</PageTitle>
      <InviteFlow
        accept={invitation.existingUserId !== null ? acceptAsExistingUser : acceptAsNewUser}
        acceptSignedIn={signedInAsInvitee ? acceptSignedIn : null}
        confirmPassword={signedInAsInvitee ? confirmPasswordAgain : undefined}
        token={token}
        accountName={invitation.account.name}
        email={invitation.email}
        role={invitation.role}
        existingUser={invitation.existingUserId !== null}
      />
    </>
  );
}
