/**
 * "Don't ask again on this device for N days", inside the second step's form (FormData "remember").
 * Not shown when the user's accounts allow no remembered devices (N = 0).
 */
export function RememberDeviceField({ days, disabled }: { days: number; disabled?: boolean }) {
  if (days <= 0) return null;
  return (
    <label className="flex items-start gap-2 text-sm text-slate-800">
      <input type="checkbox" name="remember" className="mt-0.5 size-4 accent-brand-600" disabled={disabled} />
      <span>
        Don&apos;t ask again on this device for {days} day{days === 1 ? "" : "s"}
        <span className="block text-xs text-slate-600">Only on a device you alone use.</span>
      </span>
    </label>
  );
}

/** Whether the box was ticked. */
export const rememberTicked = (formData: FormData) => formData.get("remember") === "on";
