"use client";
import { useState } from "react";
import { postToAuth } from "@/components/auth/auth-post";
import { Button } from "@/components/ui/button";

export function SignOutButton() {
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="secondary"
      pending={pending}
      onClick={async () => {
        setPending(true);
        // next-auth's sign-out endpoint clears the cookie and ends the session record (events.signOut);
        // a full load then drops every page the client router kept from the session.
        const to = (await postToAuth("signout", "/login")) ?? `${window.location.origin}/login`;
        window.location.assign(to);
      }}
    >
      Sign out
    </Button>
  );
}
