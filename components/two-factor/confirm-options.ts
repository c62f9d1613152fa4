import type { ServerAction } from "@/lib/action";
import type { FactorOptions } from "./factors";

/** A page's "confirm with a security key" action as a prompt's options (bound to the session on the server). */
export type ConfirmKeyOptions = ServerAction<Record<string, never>, unknown>;
export const confirmOptionsFrom =
  (action: ConfirmKeyOptions): FactorOptions =>
  async () => {
    const result = await action({});
    if (!result.ok) throw new Error(result.error);
    return result.data;
  };
