// Configuration from the environment, validated once. In development missing secrets are generated
// and kept in the git-ignored data folder; in production they are required.
import { z } from "zod";
import { devSecret } from "./dev-secrets";

const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, "base64").length === 32, "must be 32 bytes, base64-encoded (openssl rand -base64 32)");

const keyId = z.string().regex(/^[A-Za-z0-9_-]{1,16}$/, "must be 1–16 letters, digits, - or _");

const schema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  APP_NAME: z.string().trim().min(1).max(60).default("Twofold"),
  /** The site's origin; links in mail, cookies' Secure flag and the WebAuthn relying party come from it. */
  NEXTAUTH_URL: z
    .url({ protocol: /^https?$/, error: "must be an http:// or https:// address" })
    .refine(
      (v) => new URL(v).pathname === "/",
      "must be the site's origin, without a path (https://twofold.example.com)",
    )
    // Lower-cased scheme and host, no trailing slash: "HTTPS://Twofold.example.com/" is https.
    .transform((v) => new URL(v).origin)
    .optional(),
  NEXTAUTH_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  TOTP_ENCRYPTION_KEY: base64Key.optional(),
  TOTP_ENCRYPTION_KEY_ID: keyId.default("k1"),
  /** Earlier keys, still readable after a rotation: "id:base64,id:base64". */
  TOTP_PREVIOUS_KEYS: z.string().default(""),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, "must start with smtp:// or smtps://")
    .optional(),
  MAIL_FROM: z.string().default("Twofold <no-reply@twofold.localhost>"),
  /** Proxies in front of the app that each append to X-Forwarded-For (1 behind nginx or a load balancer). */
  TRUSTED_PROXY_HOPS: z.coerce
    .number({ error: "must be a whole number of proxies (0 when clients connect to the app directly)" })
    .int("must be a whole number of proxies (0 when clients connect to the app directly)")
    .min(0, "must be 0 or more")
    .max(10, "must be at most 10")
    .optional(),
  /** Set by Vercel on its servers; the client address then comes from Vercel's own header. */
  VERCEL: z.string().optional(),
  /** Bearer secret of the mail delivery route (/api/cron/mail) for hosts without a long-running server. */
  CRON_SECRET: z.string().min(32, "must be at least 32 characters (openssl rand -base64 32)").optional(),
  /** postgres://… or pglite:<folder>; its form is checked where it is used (lib/db/connection). */
  DATABASE_URL: z.string().optional(),
});

export type Env = {
  production: boolean;
  appName: string;
  appUrl: string | undefined;
  secureCookies: boolean;
  authSecret: string;
  totpKeys: { current: { id: string; key: Buffer }; all: Map<string, Buffer> };
  smtpUrl: string | undefined;
  mailFrom: string;
  trustedProxyHops: number;
  onVercel: boolean;
  cronSecret: string | undefined;
};

function parseKeyList(list: string): [string, Buffer][] {
  return list
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean)
    .map((item) => {
      const [id, key] = item.split(":");
      const bytes = Buffer.from(key ?? "", "base64");
      if (!keyId.safeParse(id).success || bytes.length !== 32)
        throw new Error("TOTP_PREVIOUS_KEYS must look like id:base64key,id:base64key (32-byte keys).");
      return [id!, bytes];
    });
}

function parse<T extends z.ZodType>(shape: T, source: NodeJS.ProcessEnv): z.infer<T> {
  const parsed = shape.safeParse(Object.fromEntries(Object.entries(source).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return parsed.data;
}

/**
 * Each id names one key for good: a secret sealed under "k1" is opened with whatever "k1" means now,
 * so a previous key under the current id (a rotation that forgot TOTP_ENCRYPTION_KEY_ID) or two keys
 * under one id would leave every secret of the old key unreadable. Refused at start instead.
 */
function keyRing(id: string, key: Buffer, previous: string): Env["totpKeys"] {
  const list = parseKeyList(previous);
  const ids = list.map(([previousId]) => previousId);
  if (ids.includes(id))
    throw new Error(
      `TOTP_PREVIOUS_KEYS holds a key under the current TOTP_ENCRYPTION_KEY_ID "${id}": give the new key a new id (TOTP_ENCRYPTION_KEY_ID).`,
    );
  if (new Set(ids).size !== ids.length)
    throw new Error("TOTP_PREVIOUS_KEYS names one id twice: each key needs its own id.");
  return { current: { id, key }, all: new Map([...list, [id, key]]) };
}

/**
 * Only the TOTP keys, for scripts such as `npm run db:migrate`: null unless TOTP_ENCRYPTION_KEY is set,
 * never a generated development key, and nothing else is read or written.
 */
export function configuredTotpKeys(source: NodeJS.ProcessEnv = process.env): Env["totpKeys"] | null {
  const e = parse(
    schema.pick({ TOTP_ENCRYPTION_KEY: true, TOTP_ENCRYPTION_KEY_ID: true, TOTP_PREVIOUS_KEYS: true }),
    source,
  );
  if (!e.TOTP_ENCRYPTION_KEY) return null;
  return keyRing(e.TOTP_ENCRYPTION_KEY_ID, Buffer.from(e.TOTP_ENCRYPTION_KEY, "base64"), e.TOTP_PREVIOUS_KEYS);
}

export function loadEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const e = parse(schema, source);
  const production = e.NODE_ENV === "production";
  const missing = [
    !e.NEXTAUTH_URL && "NEXTAUTH_URL",
    !e.NEXTAUTH_SECRET && "NEXTAUTH_SECRET",
    !e.TOTP_ENCRYPTION_KEY && "TOTP_ENCRYPTION_KEY",
    // Without it the data would go to an embedded database in a folder a deploy can wipe.
    !e.DATABASE_URL && "DATABASE_URL",
  ].filter(Boolean);
  if (production && missing.length) {
    const database = e.DATABASE_URL
      ? ""
      : " DATABASE_URL is postgres://… or, for the embedded database, pglite:<folder> (a folder that survives deploys).";
    throw new Error(
      `Twofold will not start in production without ${missing.join(", ")}. Set them in the environment (see .env.example).${database}`,
    );
  }
  const onVercel = e.VERCEL === "1";
  // No default in production: guessed too low, everyone behind a proxy shares one address for the
  // per-IP limits; too high, clients choose their own address. Only the operator knows.
  if (production && !onVercel && e.TRUSTED_PROXY_HOPS === undefined) {
    throw new Error(
      "Twofold will not start in production without TRUSTED_PROXY_HOPS: the number of proxies in front of it that append to " +
        "X-Forwarded-For. Use 0 when clients connect to `npm start` directly, 1 behind nginx or one load balancer (see README).",
    );
  }
  const authSecret = e.NEXTAUTH_SECRET ?? devSecret("NEXTAUTH_SECRET");
  const currentKey = Buffer.from(e.TOTP_ENCRYPTION_KEY ?? devSecret("TOTP_ENCRYPTION_KEY"), "base64");
  return {
    production,
    appName: e.APP_NAME,
    appUrl: e.NEXTAUTH_URL,
    secureCookies: e.NEXTAUTH_URL?.startsWith("https://") ?? false,
    authSecret,
    totpKeys: keyRing(e.TOTP_ENCRYPTION_KEY_ID, currentKey, e.TOTP_PREVIOUS_KEYS),
    smtpUrl: e.SMTP_URL,
    mailFrom: e.MAIL_FROM,
    trustedProxyHops: e.TRUSTED_PROXY_HOPS ?? 0,
    onVercel,
    cronSecret: e.CRON_SECRET,
  };
}

let cached: Env | undefined;
export function env(): Env {
  cached ??= loadEnv();
  return cached;
}
