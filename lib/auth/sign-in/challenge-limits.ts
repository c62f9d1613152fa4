// The login challenge's limits, in a module without imports: factor modules read them (a security key's
// sign-in options check the challenge is still open) without an import cycle through the 2FA policy.
export const CHALLENGE_TTL_MS = 5 * 60_000;
export const CHALLENGE_MAX_ATTEMPTS = 5;
