import type { ComponentProps } from "react";
import { Field } from "./field";

/**
 * A password input. "current" is one the user already has (sign-in, confirming it again); "new" is
 * one they choose, so the browser offers to generate it and the hint states the length rule first.
 */
export function PasswordField({
  purpose = "current",
  label = purpose === "new" ? "New password" : "Password",
  name = "password",
  hint,
  ...props
}: Omit<ComponentProps<typeof Field>, "type" | "label" | "autoComplete"> & {
  purpose?: "current" | "new";
  label?: string;
}) {
  return (
    <Field
      label={label}
      name={name}
      type="password"
      autoComplete={purpose === "new" ? "new-password" : "current-password"}
      required
      hint={purpose === "new" ? ["At least 8 characters.", hint].filter(Boolean).join(" ") : hint}
      {...props}
    />
  );
}
