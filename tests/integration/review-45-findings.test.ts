// Findings of review 45 (2026-12-06): the emailed-link and account-joining flows. Each test fails on
// the code as reviewed and shows the defect as an attacker sees it: the expectations are what the
// product should answer once fixed.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { inviteMember } from "@/lib/accounts/invitations";
import { confirmSignup, requestSignup } from "@/lib/auth/signup";
import { nameSchema } from "@/lib/auth/users";
import { ErrorCode } from "@/lib/errors";
import { freshDatabasePerFile } from "./database";
import { mailsTo, makeUser, meta, ownAccount, PASSWORD } from "./fixtures";

freshDatabasePerFile();

const freshEmail = (name: string) => `${name}-${randomUUID().slice(0, 8)}@example.com`;

/** A stranger's sign-up, through the real path (form schema, emailed link, password): they own an account. */
async function signUpAs(name: string, ip: string) {
  const email = freshEmail("attacker");
  const at = { ...meta, ip };
  await requestSignup({ name: nameSchema.parse(name), email, password: PASSWORD }, at);
  const token = (await mailsTo(email)).at(-1)!.text.match(/\/signup\/verify\/([\w-]+)/)![1]!;
  const { id } = await confirmSignup(token, PASSWORD, at);
  return { userId: id, email, accountId: await ownAccount(id) };
}

describe("finding 1: anyone who signs up sends any address Twofold mail with their own text and link in it", () => {
  // The inviter's name (and the account name made from it at sign-up, "<name>'s account") went
  // verbatim into the subject and body of the invitation, sent from Twofold's own address to any
  // address the stranger types: a phishing mail signed by Twofold.
  it("a name holding a web address is refused, wherever a name is given", () => {
    for (const lure of [
      "Twofold Security: 2FA disabled, restore it now at https://twofold-restore.example/r",
      "Restore 2FA: www.twofold-restore.example",
      "Restore 2FA at twofold-restore.example/r",
      "HXXP://twofold-restore.example",
    ]) {
      expect(nameSchema.safeParse(lure).success, lure).toBe(false);
    }
    for (const name of ["Dr. Ada Lovelace", "J.R.R. Tolkien", "Sam / Alex", "Jo-Ann O'Neil"]) {
      expect(nameSchema.safeParse(name).success, name).toBe(true);
    }
  });

  it("an invitation's subject holds no words its sender chose, and its body says whose they are", async () => {
    const lure = "Twofold Security: your account is locked";
    const attacker = await signUpAs(lure, "198.51.100.10");
    const victim = freshEmail("victim");

    await inviteMember(attacker.userId, attacker.accountId, victim, "member", meta);

    const [mail] = await mailsTo(victim);
    expect(mail!.subject).toBe(`${attacker.email} invited you to an account on Twofold`);
    expect(mail!.text).toContain(`${lure} (${attacker.email}) invited you`);
    expect(mail!.text).toContain("chosen by the person who invited you, not by Twofold");
  });
});

describe("finding 2: invitation mail to one address has no per-address limit", () => {
  // Sign-up (5 an hour per address) and reset (5 an hour per address) cap what one address receives;
  // invitations are capped per sender (20) and per account (50) only. Every sign-up is an owner of a
  // new account, so each stranger adds 20 more mails an hour to the same address (an invitation to it
  // replaces the open one and is mailed again).
  it("three fresh accounts send one address 60 invitation emails in an hour", async () => {
    const victim = freshEmail("flooded");
    const senders = await Promise.all([makeUser("Spam one"), makeUser("Spam two"), makeUser("Spam three")]);
    for (const sender of senders) {
      const accountId = await ownAccount(sender.id);
      for (let i = 0; i < 20; i++) {
        const error = await inviteMember(sender.id, accountId, victim, "member", meta).catch((e) => e);
        if (error) expect(error).toMatchObject({ code: ErrorCode.rateLimited });
      }
    }
    const received = (await mailsTo(victim)).length;
    // At most one sender's own cap (sign-up and reset allow one address 5 an hour), refused or dropped.
    expect(received).toBeLessThanOrEqual(20);
  });
});
