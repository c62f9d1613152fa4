// The framework floor for `npm run bench`: a Next.js app of the same version as Twofold (the same
// node_modules) with one page, one server action that does nothing and one route handler that only
// reads its JSON (app/api/empty). Kept apart from the product
// so Twofold gets no extra endpoint; the bench builds it into its own .next folder when needed.
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..");

// Uncompressed, as Twofold's server.mjs answers server actions: the floor does the same work as Twofold.
const config = { poweredByHeader: false, compress: false, turbopack: { root }, outputFileTracingRoot: root };

export default config;
