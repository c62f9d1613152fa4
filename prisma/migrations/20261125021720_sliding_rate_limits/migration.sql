-- Fixed-window counters become sliding windows of reservations. A counter still running keeps its
-- failures: each becomes a reservation made at the start of its window (at most 50, the largest
-- limit), so a lockout in progress survives the upgrade, and rows then age out by the window of each limit.
-- AlterTable
ALTER TABLE "RateLimit" ADD COLUMN "attempts" JSONB NOT NULL DEFAULT '[]',
ADD COLUMN "expiresAt" TIMESTAMPTZ(3);

UPDATE "RateLimit" SET
  "attempts" = (
    SELECT coalesce(jsonb_agg(jsonb_build_object('id', 'migrated-' || n, 'at', "windowStart")), '[]'::jsonb)
    FROM generate_series(1, LEAST("count", 50)) AS n
  ),
  "expiresAt" = "windowStart" + interval '1 hour';

ALTER TABLE "RateLimit" ALTER COLUMN "expiresAt" SET NOT NULL,
DROP COLUMN "count",
DROP COLUMN "windowStart";

-- CreateIndex
CREATE INDEX "RateLimit_expiresAt_idx" ON "RateLimit"("expiresAt");
