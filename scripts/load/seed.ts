// Seeds the load test's people through lib/ (no HTTP): one account ("Load Co") whose owner enforces
// 2FA, members with an authenticator whose secrets the virtual users know, a share of them admins,
// and members without 2FA who must enrol at their first sign-in. One argon2id hash serves everyone:
// hashing 2,000 passwords would only slow the seeding down.
import { enableEnforcement } from "../../lib/accounts/enforcement";
import { hashPassword } from "../../lib/crypto/password";
import { db } from "../../lib/db";
import { AppError, ErrorCode } from "../../lib/errors";
import type { RequestMeta } from "../../lib/request-meta";
import { insertUserWithAccount } from "../../lib/auth/users";
import { beginEnrolment, confirmEnrolment } from "../../lib/two-factor/factors/totp-enrolment";
import { totpCode } from "../../lib/two-factor/totp";

export const PASSWORD = "load test password 123";
const meta: RequestMeta = { ip: "198.51.100.1", userAgent: "load seed", origin: "http://localhost" };

export type LoadUser = {
  id: string;
  email: string;
  /** Known once enrolled: the virtual user's authenticator. */
  secret: string | null;
  admin: boolean;
  /** The last TOTP step the server accepted (or may have accepted) for this user. */
  lastStep: number;
  /** Unused recovery codes (the benchmark spends them). */
  recoveryCodes: string[];
};

export const stepNow = (ms = Date.now()) => Math.floor(ms / 30_000);

async function pool<T>(items: T[], concurrency: number, work: (item: T, i: number) => Promise<void>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < items.length) {
        const i = next++;
        await work(items[i]!, i);
      }
    }),
  );
}

async function person(passwordHash: string, email: string, name: string) {
  const prisma = await db();
  return prisma.$transaction((tx) => insertUserWithAccount(tx, { name, email, passwordHash }));
}

/**
 * Confirmed with the previous step's code (accepted, one step either side), so the current one is
 * still unused; if a step boundary passed meanwhile, that code is too old and the current one is used.
 */
async function enrol(user: { id: string; email: string }) {
  const VERSION = 0; // seeded a moment ago: no password change or factor since
  const { secret } = await beginEnrolment(user, { version: VERSION, confirmedWith: null });
  for (const at of [Date.now() - 30_000, Date.now()]) {
    try {
      const { recoveryCodes } = await confirmEnrolment(user.id, await totpCode(secret, at), meta, VERSION);
      return { secret, step: stepNow(at), recoveryCodes };
    } catch (error) {
      if (!(error instanceof AppError && error.code === ErrorCode.invalidCode)) throw error;
    }
  }
  throw new Error(`Could not enrol ${user.email}.`);
}

/**
 * `withoutTwoFactor` more people belong to no account that enforces 2FA (each has only their own), so
 * they sign in with the password alone: the benchmark's sign-in without 2FA.
 */
export async function seed({
  withTwoFactor,
  toEnrol,
  admins,
  withoutTwoFactor = 0,
}: {
  withTwoFactor: number;
  toEnrol: number;
  admins: number;
  withoutTwoFactor?: number;
}) {
  const prisma = await db();
  const passwordHash = await hashPassword(PASSWORD);
  const owner = await person(passwordHash, "owner@load.example", "Load Owner");
  await enrol(owner);
  const account = await prisma.account.create({
    data: { name: "Load Co", memberships: { create: { userId: owner.id, role: "owner" } } },
  });

  const users: LoadUser[] = [];
  const total = withTwoFactor + toEnrol;
  await pool(
    Array.from({ length: total }, (_, i) => i),
    6,
    async (i) => {
      const enrolled = i < withTwoFactor;
      const user = await person(passwordHash, `user${i}@load.example`, `Load User ${i}`);
      const authenticator = enrolled ? await enrol(user) : null;
      const admin = enrolled && i < admins;
      await prisma.membership.create({
        data: { userId: user.id, accountId: account.id, role: admin ? "admin" : "member" },
      });
      const lastStep = authenticator?.step ?? 0;
      const recoveryCodes = authenticator?.recoveryCodes ?? [];
      users.push({
        id: user.id,
        email: user.email,
        secret: authenticator?.secret ?? null,
        admin,
        lastStep,
        recoveryCodes,
      });
    },
  );
  // Shuffled, so enrolments and admins are spread over the run rather than bunched at one end.
  for (let i = users.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [users[i], users[j]] = [users[j]!, users[i]!];
  }
  const plain: LoadUser[] = [];
  await pool(
    Array.from({ length: withoutTwoFactor }, (_, i) => i),
    6,
    async (i) => {
      const user = await person(passwordHash, `plain${i}@load.example`, `Plain User ${i}`);
      plain.push({ id: user.id, email: user.email, secret: null, admin: false, lastStep: 0, recoveryCodes: [] });
    },
  );
  // Members without 2FA must now enrol when they sign in (no grace period).
  await enableEnforcement(owner.id, account.id, 0, meta);
  // The seeding's own "2FA turned on" and enforcement emails are not part of the load.
  await prisma.emailMessage.deleteMany({});
  return { accountId: account.id, users, plain, owner };
}
