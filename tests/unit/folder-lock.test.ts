import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireFolderLock, DatabaseInUseError } from "@/lib/db/folder-lock";

describe("the embedded database's folder lock", () => {
  const dir = () => path.join(mkdtempSync(path.join(os.tmpdir(), "lock-")), "pglite");

  it("refuses a second holder while the first is alive, with a clear message", () => {
    const folder = dir();
    const release = acquireFolderLock(folder);
    expect(() => acquireFolderLock(folder)).toThrow(DatabaseInUseError);
    expect(() => acquireFolderLock(folder)).toThrow(/in use by process \d+ .*npm run dev/);
    release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    acquireFolderLock(folder)();
  });

  it("takes over a lock left by a process that is gone", () => {
    const folder = dir();
    writeFileSync(`${folder}.lock`, "999999999");
    const release = acquireFolderLock(folder);
    release();
  });
});
