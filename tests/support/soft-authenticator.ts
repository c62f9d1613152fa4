// A software WebAuthn authenticator for tests: a P-256 (ES256) key pair from node:crypto, answering
// options the server issued with "none" attestation and signed assertions, as a browser passes them
// on. Tests may make it misbehave: another origin, a chosen signature counter.
import { createHash, generateKeyPairSync, randomBytes, sign } from "node:crypto";
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from "@simplewebauthn/server";

type Cbor = number | string | Uint8Array | Cbor[] | Map<Cbor, Cbor>;

function head(major: number, n: number): Buffer {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 0x100) return Buffer.from([(major << 5) | 24, n]);
  if (n < 0x10000) return Buffer.from([(major << 5) | 25, n >> 8, n & 0xff]);
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}

/** The few CBOR items WebAuthn needs: integers, text, bytes, arrays and maps (RFC 8949, definite lengths). */
export function cbor(value: Cbor): Buffer {
  if (typeof value === "number") return value >= 0 ? head(0, value) : head(1, -1 - value);
  if (typeof value === "string") return Buffer.concat([head(3, Buffer.byteLength(value)), Buffer.from(value)]);
  if (value instanceof Uint8Array) return Buffer.concat([head(2, value.length), value]);
  if (Array.isArray(value)) return Buffer.concat([head(4, value.length), ...value.map(cbor)]);
  return Buffer.concat([head(5, value.size), ...[...value].flatMap(([k, v]) => [cbor(k), cbor(v)])]);
}

const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64url");
const sha256 = (data: Uint8Array | string) => createHash("sha256").update(data).digest();
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const FLAG_UP = 0x01;
const FLAG_UV = 0x04;
const FLAG_AT = 0x40;

export class SoftAuthenticator {
  readonly rawId = randomBytes(32);
  readonly id = b64url(this.rawId);
  /** The signature counter, advanced by `counterStep` before each assertion (0: a counterless key). */
  counter = 0;
  private readonly keys = generateKeyPairSync("ec", { namedCurve: "P-256" });

  constructor(
    private readonly rp: { id: string; origin: string },
    private readonly counterStep = 1,
  ) {}

  private clientData(type: string, challenge: string, origin = this.rp.origin) {
    return Buffer.from(JSON.stringify({ type, challenge, origin, crossOrigin: false }));
  }

  /** navigator.credentials.create(): ignores excludeCredentials, as a hostile client may. */
  register(
    options: PublicKeyCredentialCreationOptionsJSON,
    change: { origin?: string } = {},
  ): RegistrationResponseJSON {
    const jwk = this.keys.publicKey.export({ format: "jwk" });
    const coseKey = new Map<Cbor, Cbor>([
      [1, 2], // kty: EC2
      [3, -7], // alg: ES256
      [-1, 1], // crv: P-256
      [-2, Buffer.from(jwk.x!, "base64url")],
      [-3, Buffer.from(jwk.y!, "base64url")],
    ]);
    const idLength = Buffer.from([this.rawId.length >> 8, this.rawId.length & 0xff]);
    const authData = Buffer.concat([
      sha256(this.rp.id),
      Buffer.from([FLAG_UP | FLAG_UV | FLAG_AT]),
      u32(this.counter),
      Buffer.alloc(16), // AAGUID: none given
      idLength,
      this.rawId,
      cbor(coseKey),
    ]);
    const attestation = cbor(
      new Map<Cbor, Cbor>([
        ["fmt", "none"],
        ["attStmt", new Map()],
        ["authData", authData],
      ]),
    );
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(this.clientData("webauthn.create", options.challenge, change.origin)),
        attestationObject: b64url(attestation),
        transports: ["usb"],
      },
      clientExtensionResults: {},
      authenticatorAttachment: "cross-platform",
    };
  }

  /** navigator.credentials.get(): signs whatever challenge it is given with its one key. */
  assert(
    options: PublicKeyCredentialRequestOptionsJSON,
    change: { origin?: string; counter?: number } = {},
  ): AuthenticationResponseJSON {
    this.counter += this.counterStep;
    const authData = Buffer.concat([
      sha256(this.rp.id),
      Buffer.from([FLAG_UP | FLAG_UV]),
      u32(change.counter ?? this.counter),
    ]);
    const clientData = this.clientData("webauthn.get", options.challenge, change.origin);
    const signature = sign("sha256", Buffer.concat([authData, sha256(clientData)]), this.keys.privateKey);
    return {
      id: this.id,
      rawId: this.id,
      type: "public-key",
      response: {
        clientDataJSON: b64url(clientData),
        authenticatorData: b64url(authData),
        signature: b64url(signature),
      },
      clientExtensionResults: {},
      authenticatorAttachment: "cross-platform",
    };
  }
}
