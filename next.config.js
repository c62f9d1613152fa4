/** @type {import('next').NextConfig} */
module.exports = {
  // PGlite must load from node_modules at run time (bundled, it cannot find its data files).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  // Bodies past this size are refused before any action runs.
  experimental: { serverActions: { bodySizeLimit: "64kb" } },
};
