// The headers of lib/http/security-headers.ts for the paths proxy.ts does not see (sign-in's two JSON
// routes): so Next's own answers there (405 to a GET, 204 to OPTIONS) carry them too.
// tests/unit/security-headers.test.ts holds the two lists together.
const jsonRouteHeaders = [
  { key: "Content-Security-Policy", value: "default-src 'none'; frame-ancestors 'none'" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=()" },
  ...(process.env.NODE_ENV === "production"
    ? [{ key: "Strict-Transport-Security", value: "max-age=63072000; includeSubDomains" }]
    : []),
];

/** @type {import('next').NextConfig} */
module.exports = {
  // PGlite must load from node_modules at run time (bundled, it cannot find its data files).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  // Bodies past this size are refused before any action runs.
  experimental: { serverActions: { bodySizeLimit: "64kb" } },
  async headers() {
    return [{ source: "/api/login/:step(password|second-factor)", headers: jsonRouteHeaders }];
  },
};
