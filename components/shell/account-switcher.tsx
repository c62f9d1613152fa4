"use client";
import { useRouter } from "next/navigation";
import { useId } from "react";
import type { ServerAction } from "@/lib/action";

export function AccountSwitcher({
  switchAccount,
  accounts,
  currentId,
}: {
  switchAccount: ServerAction<{ accountId: string }>;
  accounts: { id: string; name: string; role: string }[];
  currentId: string;
}) {
  const router = useRouter();
  const id = useId();
  if (accounts.length < 2) {
    return <span className="text-sm text-slate-700">{accounts[0]?.name}</span>;
  }
  return (
    <div className="flex items-center gap-2 text-sm">
      <label htmlFor={id} className="sr-only">
        Current account
      </label>
      <select
        id={id}
        value={currentId}
        onChange={async (e) => {
          const result = await switchAccount({ accountId: e.target.value });
          if (result.ok) router.refresh();
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1"
      >
        {accounts.map((a) => (
          <option key={a.id} value={a.id}>
            {a.name} ({a.role})
          </option>
        ))}
      </select>
    </div>
  );
}
