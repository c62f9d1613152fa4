"use client";
import { useState } from "react";
import { postToAuth } from "@/components/auth/auth-post";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  const [failed, setFailed] = useState(false);
  return (
    <span className="inline-flex items-center gap-2">
      {failed && (
        <span role="alert" className="text-sm text-red-700">
          Not signed out. Please try again.
        </span>
      )}
      <Button
        variant="secondary"
        pending={pending}
        onClick={async () => {
          setPending(true);
          setFailed(false);
          // next-auth's sign-out endpoint clears the cookie and ends the session record (events.signOut);
          // a full load then drops every page the client router kept from the session. A refused or lost
          // request says so rather than showing the sign-in page over a session that is still live.
          const to = await postToAuth("signout", "/login").catch(() => null);
          if (to) return window.location.assign(to);
          setPending(false);
          setFailed(true);
        }}
      >
        Sign out
      </Button>
    </span>
  );
}
