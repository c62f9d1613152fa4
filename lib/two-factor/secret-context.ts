// The associated data of a sealed TOTP secret names its owner and purpose, so a ciphertext moved to
// another row won't open. Shared by the server and the recovery-code upgrade (which runs in scripts).
export const totpSecretContext = (purpose: "totp" | "enrol", userId: string) => `${purpose}:${userId}`;
