"use client";
import { Button } from "@/components/ui/button";

/**
 * The authenticator app's part of the Two-Factor Authentication card. "Remove authenticator app" is
 * offered beside it while a security key remains to sign in with; without one, removing the app is
 * turning 2FA off, which the switch above does.
 */
export function AuthenticatorApp({
  hasAuthenticator,
  hasKeys,
  onSetUp,
  onRemove,
}: {
  hasAuthenticator: boolean;
  hasKeys: boolean;
  onSetUp: () => void;
  onRemove: () => void;
}) {
  return (
    <section
      aria-labelledby="authenticator-app-heading"
      className="mt-4 flex flex-col gap-3 border-t border-slate-200 pt-4"
    >
      <h3 id="authenticator-app-heading" className="font-medium">
        Authenticator app
      </h3>
      {hasAuthenticator ? (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-600">Set up: sign-in can ask for a 6-digit code from it.</p>
          {hasKeys && (
            <Button variant="secondary" onClick={onRemove}>
              Remove authenticator app
            </Button>
          )}
        </div>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-3">
          <p className="text-sm text-slate-600">Not set up: you sign in with a security key or passkey.</p>
          <Button variant="secondary" onClick={onSetUp}>
            Set up authenticator app
          </Button>
        </div>
      )}
    </section>
  );
}
