import { describe, expect, it } from "vitest";
import { relyingParty } from "@/lib/two-factor/webauthn/relying-party";

describe("WebAuthn relying party", () => {
  it("takes the RP ID and origin from the configured app URL, never from a path or a default port", () => {
    expect(relyingParty({ appUrl: "https://twofold.example.com/app/", appName: "Twofold" })).toEqual({
      id: "twofold.example.com",
      origin: "https://twofold.example.com",
      name: "Twofold",
    });
    expect(relyingParty({ appUrl: "https://TwoFold.example.com:443", appName: "T" }).origin).toBe(
      "https://twofold.example.com",
    );
    expect(relyingParty({ appUrl: "http://localhost:7210", appName: "T" })).toMatchObject({
      id: "localhost",
      origin: "http://localhost:7210",
    });
  });

  it("uses the local development default when no app URL is configured", () => {
    expect(relyingParty({ appUrl: undefined, appName: "T" })).toMatchObject({
      id: "localhost",
      origin: "http://localhost:3000",
    });
  });
});
