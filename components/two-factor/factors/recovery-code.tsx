import { CodeField } from "../code-field";
import type { FactorUi } from "./types";

export const recoveryCodeUi: FactorUi = {
  prompt: "Enter one of the recovery codes you saved when you turned on two-factor authentication.",
  signInLabel: "Recovery code",
  confirmLabel: "Recovery code",
  switchLabel: "Use a recovery code instead",
  Input: (props) => <CodeField name="code" kind="recovery" {...props} />,
  readProof: async (form) => ({ method: "recovery", code: String(form.get("code") ?? "") }),
};
