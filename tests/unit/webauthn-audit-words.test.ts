import { describe, expect, it } from "vitest";
import { AuditType } from "@/lib/audit";
import { describeAuditEvent } from "@/lib/audit-words";

describe("security key events in words", () => {
  it("names the key and what happened, never the identifier", () => {
    expect(describeAuditEvent(AuditType.webAuthnAdded, { name: "YubiKey" })).toEqual({
      title: "Security key added",
      sentence: '"YubiKey" registered',
    });
    // A key or the app added next to another factor says which one confirmed it.
    expect(describeAuditEvent(AuditType.webAuthnAdded, { name: "YubiKey", method: "totp" }).sentence).toBe(
      '"YubiKey" registered, confirmed with an authenticator code',
    );
    expect(describeAuditEvent(AuditType.authenticatorAdded, { method: "recovery" })).toEqual({
      title: "Authenticator app added",
      sentence: "confirmed with a recovery code",
    });
    expect(describeAuditEvent(AuditType.webAuthnRemoved, { name: "YubiKey", method: "webauthn" }).sentence).toBe(
      '"YubiKey" removed, confirmed with a security key',
    );
    expect(describeAuditEvent(AuditType.webAuthnUsed, { name: "Laptop", purpose: "sign-in" }).sentence).toBe(
      '"Laptop" used to sign in',
    );
    expect(
      describeAuditEvent(AuditType.webAuthnCounterRegression, { name: "Laptop", counter: 3, stored: 7 }).sentence,
    ).toBe('"Laptop" signed with counter 3 after 7 was seen: it may have been copied');
    expect(describeAuditEvent(AuditType.authenticatorRemoved, { method: "webauthn" })).toEqual({
      title: "Authenticator app removed",
      sentence: "confirmed with a security key", // as "Two-factor authentication turned off" words it
    });
    expect(describeAuditEvent(AuditType.twoFactorFailed, { method: "webauthn", failuresInWindow: 2 }).sentence).toBe(
      "A security key that was not accepted, 2 in 15 minutes",
    );
  });
});
