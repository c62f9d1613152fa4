"use client";
import { Tooltip } from "radix-ui";

/**
 * DeployHQ's marker: a solid shield when 2FA is on, the same shield greyed out and struck through when off.
 * Its label (and tooltip) names the member's methods: "Two-factor authentication on: security key".
 */
export function Shield({ on, methods = [] }: { on: boolean; methods?: string[] }) {
  const how = methods.length ? `: ${methods.join(" and ")}` : "";
  const label = on ? `Two-factor authentication on${how}` : "Two-factor authentication off";
  return (
    <Tooltip.Provider delayDuration={200}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <span
            role="img"
            aria-label={label}
            tabIndex={0}
            data-testid={on ? "shield-on" : "shield-off"}
            className="inline-flex rounded"
          >
            <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
              <path
                d="M12 2 4 5v6c0 5 3.4 9.4 8 11 4.6-1.6 8-6 8-11V5l-8-3Z"
                className={on ? "fill-green-700 stroke-green-800" : "fill-slate-200 stroke-slate-400"}
                strokeWidth="1.5"
              />
              {!on && <path d="M3 3l18 18" className="stroke-slate-500" strokeWidth="2" strokeLinecap="round" />}
            </svg>
          </span>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content sideOffset={4} className="rounded bg-slate-900 px-2 py-1 text-xs text-white">
            {label}
            <Tooltip.Arrow className="fill-slate-900" />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
