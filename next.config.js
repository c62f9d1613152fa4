/** @type {import('next').NextConfig} */
module.exports = {
  // PGlite must load from node_modules at run time (bundled, it cannot find its data files).
  serverExternalPackages: ["@electric-sql/pglite", "@node-rs/argon2"],
  poweredByHeader: false,
  // Metadata is resolved before the page is sent, for every browser, not streamed after the body:
  // streamed, the <title> can arrive after the page has hydrated and opened a dialog, so for a moment
  // (longer on a busy server) the document has no title, and a router refresh swaps it again.
  // Our metadata is static, so waiting for it costs nothing.
  htmlLimitedBots: /.*/,
  // Bodies past this size are refused before any action runs.
  experimental: { serverActions: { bodySizeLimit: "64kb" } },
};
