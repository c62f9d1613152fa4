// The floor `npm run bench` compares the second step with: a bare node:http + pg server doing the
// same checks on the same rows, nothing else. POST /verify {"userId","code"}: load the sealed TOTP
// secret and last accepted step (1 statement), AES-256-GCM decrypt bound to "totp:<userId>", TOTP
// (SHA-1, 6 digits, 30 s) one step either side, then the replay compare-and-set (1 statement).
// 200 {"ok":true} when accepted, 401 when not. No framework, no ORM, no session: a reference only.
//   node scripts/bench/reference-server.mjs -p <port>   (DATABASE_URL, TOTP_ENCRYPTION_KEY[_ID])
import { createDecipheriv, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { parseArgs } from "node:util";
import pg from "pg";

const { values } = parseArgs({
  options: { port: { type: "string", short: "p" }, hostname: { type: "string", short: "H" } },
});
const keys = new Map([
  [process.env.TOTP_ENCRYPTION_KEY_ID ?? "k1", Buffer.from(process.env.TOTP_ENCRYPTION_KEY ?? "", "base64")],
]);
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 10 });

function open(sealed, context) {
  const [version, keyId, nonce, body, tag] = sealed.split(".");
  const key = keys.get(keyId);
  if (version !== "v1" || !key) throw new Error("unknown key");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(nonce, "base64url"));
  decipher.setAAD(Buffer.from(context));
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
}

function base32(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.replace(/=+$/, "").toUpperCase()) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 255);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

function totp(key, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const mac = createHmac("sha1", key).update(counter).digest();
  const at = mac[19] & 15;
  return String((mac.readUInt32BE(at) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

async function verify(userId, code) {
  if (typeof userId !== "string" || !/^[0-9]{6}$/.test(String(code))) return false;
  const { rows } = await pool.query('SELECT "totpSecret", "totpLastStep" FROM "User" WHERE "id" = $1', [userId]);
  if (!rows[0]?.totpSecret) return false;
  const key = base32(open(rows[0].totpSecret, `totp:${userId}`));
  const now = Math.floor(Date.now() / 30_000);
  const step = [now - 1, now, now + 1].find((s) => totp(key, s) === code);
  if (step === undefined || (rows[0].totpLastStep !== null && step <= rows[0].totpLastStep)) return false;
  const claimed = await pool.query(
    'UPDATE "User" SET "totpLastStep" = $2 WHERE "id" = $1 AND ("totpLastStep" IS NULL OR "totpLastStep" < $2)',
    [userId, step],
  );
  return claimed.rowCount === 1;
}

const server = createServer((req, res) => {
  if (req.method === "GET" && req.url === "/health") return res.end("ok");
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", async () => {
    try {
      const { userId, code } = JSON.parse(body);
      const ok = await verify(userId, code);
      res.writeHead(ok ? 200 : 401, { "content-type": "application/json" }).end(JSON.stringify({ ok }));
    } catch {
      res.writeHead(500).end();
    }
  });
});
server.listen(Number(values.port), values.hostname ?? "127.0.0.1");
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on("SIGTERM", stop);
process.on("SIGINT", stop);
