// PGlite takes no lock, and two processes writing one folder lose data silently. This lock file
// makes a second process (say `npm run db:migrate` while `npm run dev` runs) stop with a clear error.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";

export class DatabaseInUseError extends Error {}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireFolderLock(dir: string): () => void {
  const lockPath = `${dir}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: "wx" });
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
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
      if (owner && isAlive(owner)) {
        throw new DatabaseInUseError(
          `The embedded database in ${dir} is in use by process ${owner} (is \`npm run dev\` or \`npm start\` running?). ` +
            "Stop that process first; PGlite allows one process at a time.",
        );
      }
      unlinkSync(lockPath); // stale: its process is gone
    }
  }
  throw new DatabaseInUseError(`Could not lock ${dir}.`);
}
