import { healthReport } from "@/lib/health";
import { uncachedJson } from "@/lib/http/uncached-json";

export const dynamic = "force-dynamic";

/** For load balancers and uptime checks: 200 when the database answers and is migrated, else 503. */
export async function GET() {
  const report = await healthReport();
  return uncachedJson(report, report.ok ? 200 : 503);
}
