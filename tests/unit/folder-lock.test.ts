import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { acquireFolderLock, DatabaseInUseError } from "@/lib/db/folder-lock";

describe("the embedded database's folder lock", () => {
  const dir = () => path.join(mkdtempSync(path.join(os.tmpdir(), "lock-")), "pglite");

  it("refuses a second holder in this process while the first holds it, with a clear message", () => {
    const folder = dir();
    const release = acquireFolderLock(folder);
    expect(() => acquireFolderLock(folder)).toThrow(DatabaseInUseError);
    expect(() => acquireFolderLock(folder)).toThrow(/in use by this process .*npm run dev/);
    release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
    acquireFolderLock(folder)();
  });

  it("refuses while another running process holds it", () => {
    const folder = dir();
    writeFileSync(`${folder}.lock`, String(process.ppid)); // our parent: alive, and not us
    expect(() => acquireFolderLock(folder)).toThrow(new RegExp(`in use by process ${process.ppid} .*npm run dev`));
    expect(readFileSync(`${folder}.lock`, "utf8")).toBe(String(process.ppid));
  });

  it("takes over a lock left by a process that is gone", () => {
    const folder = dir();
    writeFileSync(`${folder}.lock`, "999999999");
    const release = acquireFolderLock(folder);
    expect(readFileSync(`${folder}.lock`, "utf8")).toBe(String(process.pid));
    release();
  });

  it("takes over a lock with our own PID from an earlier life (a restarted container is PID 1 again)", () => {
    const folder = dir();
    writeFileSync(`${folder}.lock`, String(process.pid));
    const release = acquireFolderLock(folder);
    expect(() => acquireFolderLock(folder)).toThrow(/in use by this process/);
    release();
    expect(existsSync(`${folder}.lock`)).toBe(false);
  });
});
