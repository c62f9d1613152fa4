// PGlite takes no lock, and two processes writing one folder lose data silently. This lock file
// makes a second process (say `npm run db:migrate` while `npm run dev` runs) stop with a clear error.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

export class DatabaseInUseError extends Error {}

/**
 * Lock files this process holds now, so a second open from this process is refused too. On
 * globalThis: Next gives instrumentation, routes and pages their own copies of this module.
 */
const held: Set<string> = ((globalThis as { __twofoldHeldLocks?: Set<string> }).__twofoldHeldLocks ??= new Set());

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Whether the lock's owner is still using the folder. A lock naming our own PID that we do not hold
 * is from an earlier life of this process: a container restarted after a crash runs the server as
 * PID 1 again, and the lock it left must not keep it from starting.
 */
function ownerIsRunning(owner: number, lockPath: string): boolean {
  if (owner === process.pid) return held.has(lockPath);
  return owner > 0 && isAlive(owner);
}

export function acquireFolderLock(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      held.add(lockPath);
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        held.delete(lockPath);
        process.off("exit", release);
        try {
          unlinkSync(lockPath);
        } catch {}
      };
      process.on("exit", release);
      return release;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number(readFileSync(lockPath, "utf8"));
      if (ownerIsRunning(owner, lockPath)) {
        const who = owner === process.pid ? "this process" : `process ${owner}`;
        throw new DatabaseInUseError(
          `The embedded database in ${dir} is in use by ${who} (is \`npm run dev\` or \`npm start\` running?). ` +
            "Stop that process first; PGlite allows one process at a time.",
        );
      }
      unlinkSync(lockPath); // stale: its process is gone, or it was an earlier life of ours
    }
  }
  throw new DatabaseInUseError(`Could not lock ${dir}.`);
}
