"use server";
import { cookies } from "next/headers";
import { z } from "zod";
import { authedAction, idSchema } from "@/lib/action";
import { ACCOUNT_COOKIE, listAccounts } from "@/lib/accounts/current";
import { env } from "@/lib/env";
import { AppError, ErrorCode } from "@/lib/errors";

/** Switches the current account; only to an account the user belongs to. */
export const switchAccount = authedAction(z.object({ accountId: idSchema }), async ({ accountId }, { user }) => {
  if (!(await listAccounts(user.id)).some((a) => a.id === accountId)) throw new AppError(ErrorCode.forbidden);
  (await cookies()).set(ACCOUNT_COOKIE, accountId, {
    httpOnly: true,
    sameSite: "lax",
    secure: env().secureCookies,
    path: "/",
  });
  return { accountId };
});
