import { Field } from "@/components/ui/field";

// TOTP codes get the numeric keypad and one-time-code autofill; recovery codes are plain text.
const kinds = {
  totp: {
    inputMode: "numeric",
    autoComplete: "one-time-code",
    pattern: "[0-9 ]*",
    maxLength: 7,
    placeholder: "123456",
    className: "[&_input]:font-mono [&_input]:tracking-widest",
  },
  recovery: {
    autoComplete: "off",
    autoCapitalize: "characters",
    spellCheck: false,
    maxLength: 16,
    placeholder: "XXXXX-XXXXX",
    className: "[&_input]:font-mono [&_input]:tracking-wider",
  },
} as const;

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
  return (
    <Field
      label={label}
      name={name}
      required
      autoFocus={autoFocus}
      disabled={disabled}
      errors={errors}
      {...kinds[kind]}
    />
  );
}
