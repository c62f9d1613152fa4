import type { FactorKind } from "./proof";

/**
 * What a new factor's setup (the app's pending secret, a key's registration ceremony) is opened under:
 * the user's session version at the time the right to open it was checked, and the existing factor
 * that confirmed it (null: a first factor, ./add-factor.ts). It is finished only while the user's
 * version is still that one: a first factor, a factor removed or a password changed in between (each
 * moves the version on) ends it, so a setup opened while there was nothing to prove cannot be
 * finished next to a factor, nor one confirmed with a factor that has gone since.
 */
export type Setup = { version: number; confirmedWith: FactorKind | null };
