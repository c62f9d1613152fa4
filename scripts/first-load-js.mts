// `npm run bench:bundles`: each page's first-load JavaScript from the production build (`.next`, so
// run `npm run build` first), raw and gzipped, on its own (no database) while bundles are trimmed.
// The computation is scripts/bench/first-load-js.ts, which `npm run bench` prints too.
import { firstLoadTable } from "./bench/first-load-js";

console.log(firstLoadTable());
