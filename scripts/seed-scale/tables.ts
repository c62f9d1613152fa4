// The bulk of the scale data, generated inside PostgreSQL (INSERT … SELECT over generate_series): no
// row crosses the wire, so each statement loads hundreds of thousands of rows in seconds. Ids follow
// the user numbers of scripts/seed-scale.mts: "su0000042" is user 42, "sa00007" account 7.
export const BIG_MEMBERS = 100_000;

/** Account of user i: the first BIG_MEMBERS users are the big account "sa00000", the rest spread. */
export const accountOfSql = (i: string, accounts: number) =>
  `CASE WHEN ${i} < ${BIG_MEMBERS} THEN 0 ELSE 1 + (${i} - ${BIG_MEMBERS}) % ${accounts - 1} END`;
const uid = (i: string) => `'su' || lpad((${i})::text, 7, '0')`;
const aid = (a: string) => `'sa' || lpad((${a})::text, 5, '0')`;

export function bulkStatements(users: number, accounts: number): [string, string][] {
  const acct = accountOfSql("i", accounts);
  const types = `(ARRAY['sign_in','sign_in.failed','two_factor.enabled','two_factor.failed','member.role_changed',
    'invitation.sent','password.changed','recovery_code.used','session.revoked','enforcement.grace_set'])`;
  return [
    [
      "accounts",
      `INSERT INTO "Account" (id, name, "createdAt")
       SELECT ${aid("a")}, CASE WHEN a = 0 THEN 'Big Co' ELSE 'Team ' || a END, now() - interval '400 days'
       FROM generate_series(0, ${accounts - 1}) a`,
    ],
    [
      "memberships",
      // The first user of each account owns it; every 50th of the big account is an admin.
      `INSERT INTO "Membership" (id, "userId", "accountId", role, "createdAt")
       SELECT 'sm' || lpad(i::text, 7, '0'), ${uid("i")}, ${aid(acct)},
         (CASE WHEN i = 0 OR (i >= ${BIG_MEMBERS} AND i < ${BIG_MEMBERS} + ${accounts - 1}) THEN 'owner'
               WHEN i < ${BIG_MEMBERS} AND i % 50 = 1 THEN 'admin' ELSE 'member' END)::"Role",
         now() - (i % 365) * interval '1 day'
       FROM generate_series(0, ${users - 1}) i`,
    ],
    [
      "audit events (big account: 300,000; 10 for each other account)",
      `INSERT INTO "AuditEvent" (id, "accountId", "actorId", "subjectId", type, ip, "userAgent", "createdAt")
       SELECT 'se' || lpad(n::text, 8, '0'),
         CASE WHEN n < 300000 THEN 'sa00000' ELSE ${aid(`1 + (n - 300000) % ${accounts - 1}`)} END,
         ${uid(`CASE WHEN n < 300000 THEN n % ${BIG_MEMBERS} ELSE ${BIG_MEMBERS} + (n - 300000) % ${users - BIG_MEMBERS} END`)},
         ${uid(`CASE WHEN n < 300000 THEN (n * 7) % ${BIG_MEMBERS} ELSE ${BIG_MEMBERS} + (n - 300000) % ${users - BIG_MEMBERS} END`)},
         ${types}[1 + n % 10], '198.51.100.' || (n % 250), 'Mozilla/5.0 (seed)',
         -- ties on purpose: 10 events share each second
         date_trunc('second', now()) - (n / 10) * interval '1 second'
       FROM generate_series(0, ${300_000 + (accounts - 1) * 10 - 1}) n`,
    ],
    [
      "login challenges (95% expired)",
      `INSERT INTO "LoginChallenge" (id, "tokenHash", "userId", "userVersion", requirement, attempts, "expiresAt", "usedAt", "createdAt")
       SELECT 'sc' || n, md5('challenge' || n), ${uid(`(n * 13) % ${users}`)}, 0, 'verify', 0,
         CASE WHEN n % 20 = 0 THEN now() + interval '5 minutes' ELSE now() - interval '1 hour' - n * interval '1 second' END,
         CASE WHEN n % 3 = 0 AND n % 20 <> 0 THEN now() - interval '1 hour' END, now() - interval '2 hours'
       FROM generate_series(0, 199999) n`,
    ],
    [
      "sessions (a third expired)",
      `INSERT INTO "Session" (id, "userId", "userVersion", "createdAt", "expiresAt", "lastSeenAt", ip, "userAgent")
       SELECT 'ss' || n, ${uid(`(n * 7) % ${users}`)}, 0, now() - interval '10 days',
         CASE WHEN n % 3 = 0 THEN now() - interval '1 day' ELSE now() + interval '20 days' END, now() - interval '1 day',
         '198.51.100.7', 'Mozilla/5.0 (seed)'
       FROM generate_series(0, 299999) n`,
    ],
    [
      "sign-in addresses (one for each user, a second for every third; a tenth expired)",
      // What a million users' sign-ins leave: the password step's familiarity check and the second
      // step's upsert run against a table this size, and the purge has a backlog to find.
      `INSERT INTO "SignInAddress" ("userId", "address", "passwordVersion", "expiresAt")
       SELECT ${uid("i")}, '198.51.' || (i % 250) || '.' || (i / 250 % 250), 0,
         CASE WHEN i % 10 = 0 THEN now() - interval '1 day' ELSE now() + interval '20 days' END
       FROM generate_series(0, ${users - 1}) i
       UNION ALL
       SELECT ${uid("i")}, '2001:db8:' || to_hex(i / 65536) || ':' || to_hex(i % 65536) || '::/64', 0,
         now() + interval '10 days'
       FROM generate_series(0, ${users - 1}, 3) i`,
    ],
    [
      "remembered devices (half expired)",
      `INSERT INTO "RememberedDevice" (id, "userId", "tokenHash", "userVersion", "createdAt", "lastUsedAt", "expiresAt")
       SELECT 'sd' || n, ${uid(`(n * 11) % ${users}`)}, md5('device' || n), 0, now() - interval '40 days', now() - interval '5 days',
         CASE WHEN n % 2 = 0 THEN now() - interval '10 days' ELSE now() + interval '10 days' END
       FROM generate_series(0, 99999) n`,
    ],
    [
      "rate-limit counters (half expired)",
      `INSERT INTO "RateLimit" (key, attempts, "expiresAt")
       SELECT 'seed:' || n, '[]'::jsonb, CASE WHEN n % 2 = 0 THEN now() - interval '1 hour' ELSE now() + interval '1 hour' END
       FROM generate_series(0, 99999) n`,
    ],
    [
      "mail outbox (sent long ago, a few queued)",
      `INSERT INTO "EmailMessage" (id, "to", subject, text, status, attempts, "nextAttemptAt", "sentAt", "createdAt")
       SELECT 'sx' || n, 'user' || n || '@example.test', 'Seeded', '',
         CASE WHEN n % 100 = 0 THEN 'queued' ELSE 'sent' END, 1, now(),
         CASE WHEN n % 100 = 0 THEN NULL ELSE now() - interval '40 days' END, now() - interval '40 days'
       FROM generate_series(0, 199999) n`,
    ],
    [
      "password reset tokens (used or expired, 1 in 10 live)",
      `INSERT INTO "PasswordResetToken" (id, "userId", "tokenHash", "userVersion", "expiresAt", "usedAt", "createdAt")
       SELECT 'sr' || n, ${uid(`(n * 17) % ${users}`)}, md5('reset' || n), 0,
         CASE WHEN n % 10 = 0 THEN now() + interval '30 minutes' ELSE now() - interval '1 day' END,
         CASE WHEN n % 4 = 1 THEN now() - interval '1 day' END, now() - interval '2 days'
       FROM generate_series(0, 49999) n`,
    ],
    [
      "invitations (accepted or expired, 1 in 10 pending)",
      `INSERT INTO "Invitation" (id, "accountId", email, role, "tokenHash", "expiresAt", "acceptedAt", "createdAt")
       SELECT 'si' || n, ${aid(`n % ${accounts}`)}, 'invitee' || n || '@example.test', 'member', md5('invite' || n),
         CASE WHEN n % 10 = 0 THEN now() + interval '6 days' ELSE now() - interval '1 day' END,
         CASE WHEN n % 3 = 1 THEN now() - interval '3 days' END, now() - interval '8 days'
       FROM generate_series(0, 19999) n`,
    ],
    [
      "WebAuthn ceremonies (expired)",
      `INSERT INTO "WebAuthnCeremony" (id, "userId", purpose, challenge, "expiresAt", "createdAt")
       SELECT 'sw' || n, ${uid(`(n * 19) % ${users}`)}, 'register', md5('ceremony' || n),
         now() - interval '1 hour', now() - interval '2 hours'
       FROM generate_series(0, 19999) n`,
    ],
  ];
}
