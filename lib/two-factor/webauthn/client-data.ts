import "server-only";
import { decodeClientDataJSON } from "@simplewebauthn/server/helpers";
import { AppError, ErrorCode } from "@/lib/errors";

/**
 * The challenge an answer claims to be for, read from its client data, to find the one ceremony it
 * may use. Only a hint until the library checks the signature over this same client data.
 */
export function clientDataChallenge(clientDataJSON: string): string | null {
  try {
    const { challenge } = decodeClientDataJSON(clientDataJSON);
    return typeof challenge === "string" && /^[A-Za-z0-9_-]{16,128}$/.test(challenge) ? challenge : null;
  } catch {
    return null;
  }
}

export const unreadable = () =>
  new AppError(ErrorCode.invalidCode, "Your security key's answer could not be read. Please try again.");
