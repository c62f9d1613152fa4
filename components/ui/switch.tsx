"use client";
import { useId } from "react";

/**
 * A labelled switch: role="switch" on a native button, so Space and Enter toggle it and the state is
 * announced (the WAI-ARIA switch pattern). Radix's Switch added 4 KiB of shared code to each page
 * with one; a button does all of it.
 */
export function Switch({
  label,
  checked,
  onCheckedChange,
  disabled,
  description,
}: {
  label: string;
  checked: boolean;
  onCheckedChange: (checked: boolean) => void;
  disabled?: boolean;
  description?: string;
}) {
  const id = useId();
  return (
    <div className="flex items-start gap-3">
      <button
        type="button"
        role="switch"
        id={id}
        aria-checked={checked}
        data-state={checked ? "checked" : "unchecked"}
        onClick={() => onCheckedChange(!checked)}
        disabled={disabled}
        aria-describedby={description ? `${id}-desc` : undefined}
        className="relative mt-0.5 h-6 w-11 shrink-0 rounded-full bg-slate-300 transition-colors data-[state=checked]:bg-brand-600 disabled:cursor-not-allowed disabled:opacity-60"
      >
        <span
          data-state={checked ? "checked" : "unchecked"}
          className="block h-5 w-5 translate-x-0.5 rounded-full bg-white shadow transition-transform data-[state=checked]:translate-x-[22px]"
        />
      </button>
      <div>
        <label htmlFor={id} className="font-medium">
          {label}
        </label>
        <p className="text-sm text-slate-600">{checked ? "On" : "Off"}</p>
        {description && (
          <p id={`${id}-desc`} className="text-sm text-slate-600">
            {description}
          </p>
        )}
      </div>
    </div>
  );
}
