// Not server-only: the e2e fuzz journey holds this lock too, so the server's purge skips during its run.
/** PostgreSQL advisory lock the purge holds while it deletes; any constant, it names the job in pg_locks. */
export const PURGE_ADVISORY_LOCK = 7_402_611;
