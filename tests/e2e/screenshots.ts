// The README's pictures are taken by the journeys that reach each screen, so they show the app as
// the tests prove it works. Every run keeps them in test-results/screens/ to look at;
// `npm run screenshots` (SCREENSHOTS=1) also writes them over docs/screenshots/, which the README shows.
import { copyFileSync, mkdirSync } from "node:fs";
import type { Locator, Page, PageScreenshotOptions } from "@playwright/test";

const refreshReadme = process.env.SCREENSHOTS === "1";

/**
 * Screenshots a page or one element as `<name>.png`: in test-results/screens, and in docs with
 * SCREENSHOTS=1 unless `inReadme` is false (a variant the README does not show).
 */
export async function readmeScreenshot(
  target: Page | Locator,
  name: string,
  { inReadme = true, ...options }: Pick<PageScreenshotOptions, "clip" | "fullPage"> & { inReadme?: boolean } = {},
) {
  const path = `test-results/screens/${name}.png`;
  await target.screenshot({ ...options, path });
  if (refreshReadme && inReadme) {
    mkdirSync("docs/screenshots", { recursive: true });
    copyFileSync(path, `docs/screenshots/${name}.png`);
  }
}
