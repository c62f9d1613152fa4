// The TOTP secrets (base32, 160 bits as authenticator apps use) of the seeded users: user i has
// SECRETS[i % 8], sealed for that user.
export const SECRETS = ["JBSWY3DPEHPK3PXP", "KRUGKIDROVUWG2ZA", "MFRGGZDFMZTWQ2LK", "GEZDGNBVGY3TQOJQ"].flatMap((s) => [
  `${s}AAAAAAAAAAAAAAAA`,
  `${s}BBBBBBBBBBBBBBBB`,
]);
