import { CodeField } from "../code-field";
import type { FactorUi } from "./types";

export const totpUi: FactorUi = {
  prompt: "Enter the 6-digit code from your authenticator app.",
  signInLabel: "Authentication code",
  confirmLabel: "6-digit code from your authenticator app",
  switchLabel: "Use your authenticator app instead",
  Input: (props) => <CodeField name="code" kind="totp" {...props} />,
  readProof: async (form) => ({ method: "totp", code: String(form.get("code") ?? "") }),
};
