import { describe, expect, it } from "vitest";
import { AuditType } from "@/lib/audit";
import { describeAuditEvent } from "@/lib/audit-words";

describe("audit events in words", () => {
  it("gives every event type a title in words, not its identifier", () => {
    for (const type of Object.values(AuditType)) {
      const { title } = describeAuditEvent(type, null);
      expect(title, type).not.toBe(type);
      expect(title, type).toMatch(/^[A-Z][a-z]/);
    }
  });

  it("turns details into a sentence", () => {
    expect(describeAuditEvent(AuditType.recoveryCodesGenerated, { count: 10 }).sentence).toBe(
      "10 recovery codes generated",
    );
    expect(describeAuditEvent(AuditType.recoveryCodeUsed, { remaining: 1 }).sentence).toBe("1 code left");
    expect(describeAuditEvent(AuditType.twoFactorDisabled, { method: "recovery" }).sentence).toBe(
      "confirmed with a recovery code",
    );
    expect(describeAuditEvent(AuditType.enforcementOn, { graceHours: 24, membersWithout2fa: 3 }).sentence).toBe(
      "grace period 24 hours; 3 members without 2FA emailed",
    );
    expect(describeAuditEvent(AuditType.roleChanged, { from: "member", to: "admin" }).sentence).toBe(
      "From member to admin",
    );
    expect(
      describeAuditEvent(AuditType.memberRemoved, { email: "rogue@example.com", invitationsRevoked: 2 }).sentence,
    ).toBe("rogue@example.com removed; 2 invitations they sent revoked");
    expect(
      describeAuditEvent(AuditType.enforcementOff, { method: "totp", graceHours: 48, members: 3, membersProtected: 2 })
        .sentence,
    ).toBe("confirmed with an authenticator code; grace period of 48 hours was in force; 2 of 3 members protected");
    expect(
      describeAuditEvent(AuditType.accessDenied, {
        action: AuditType.twoFactorReset,
        reason: "reset_needs_every_account",
      }).sentence,
    ).toBe("Reset of two-factor authentication refused: they also belong to an account the admin does not manage");
  });

  it("keeps an unknown identifier readable and ignores details it does not know", () => {
    expect(describeAuditEvent("something.new", { x: 1 })).toEqual({ title: "something.new", sentence: null });
    expect(describeAuditEvent(AuditType.signIn, { anything: true }).sentence).toBeNull();
  });
});
