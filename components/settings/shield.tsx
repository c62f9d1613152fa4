"use client";
import { useState } from "react";

/**
 * DeployHQ's marker: a solid shield when 2FA is on, the same shield greyed out and struck through when off.
 * Its label (and tooltip) names the member's methods: "Two-factor authentication on: security key".
 * The tooltip is a few lines here rather than Radix's (whose positioning engine would load with every
 * row of User Management): it shows on hover and focus, and Escape hides it (WCAG 1.4.13).
 */
export function Shield({ on, methods = [] }: { on: boolean; methods?: string[] }) {
  const [shown, setShown] = useState(false);
  const how = methods.length ? `: ${methods.join(" and ")}` : "";
  const label = on ? `Two-factor authentication on${how}` : "Two-factor authentication off";
  const show = () => setShown(true);
  const hide = () => setShown(false);
  return (
    <span className="relative inline-flex" onMouseEnter={show} onMouseLeave={hide}>
      <span
        role="img"
        aria-label={label}
        tabIndex={0}
        data-testid={on ? "shield-on" : "shield-off"}
        className="inline-flex rounded"
        onFocus={show}
        onBlur={hide}
        onKeyDown={(e) => e.key === "Escape" && hide()}
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
      {shown && (
        <span
          role="tooltip"
          className="absolute bottom-full left-0 z-10 mb-1 whitespace-nowrap rounded bg-slate-900 px-2 py-1 text-xs text-white"
        >
          {label}
        </span>
      )}
    </span>
  );
}
