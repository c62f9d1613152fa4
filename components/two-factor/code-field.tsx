import { Field } from "@/components/ui/field";

/** A one-time code input: numeric keypad and OTP autofill for TOTP, plain text for recovery codes. */
export function CodeField({
  label,
  name,
  kind = "totp",
  errors,
  autoFocus,
  disabled,
}: {
  label: string;
  name: string;
  kind?: "totp" | "recovery";
  errors?: string[];
  autoFocus?: boolean;
  disabled?: boolean;
}) {
  return kind === "totp" ? (
    <Field
      label={label}
      name={name}
      inputMode="numeric"
      autoComplete="one-time-code"
      pattern="[0-9 ]*"
      maxLength={7}
      placeholder="123456"
      required
      autoFocus={autoFocus}
      disabled={disabled}
      errors={errors}
      className="[&_input]:font-mono [&_input]:tracking-widest"
    />
  ) : (
    <Field
      label={label}
      name={name}
      autoComplete="off"
      autoCapitalize="characters"
      spellCheck={false}
      maxLength={16}
      placeholder="XXXXX-XXXXX"
      required
      autoFocus={autoFocus}
      disabled={disabled}
      errors={errors}
      className="[&_input]:font-mono [&_input]:tracking-wider"
    />
  );
}
