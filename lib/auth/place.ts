// Where an IP address roughly is, for the profile's Sessions and Remembered devices cards: the
// country, from the geo-whois-asn-country database that ships inside its npm package (no download,
// no network; data CC BY 4.0 by the NRO, see README). Country level only: the registry's city
// databases are MaxMind GeoLite2 under its own licence terms, and a city is often wrong anyway.
import "server-only";
import { readFileSync } from "node:fs";
import path from "node:path";
import ipaddr from "ipaddr.js";
import { Reader, type CountryResponse } from "mmdb-lib";

/** What a private, loopback or link-local address is shown as: it never left the user's network. */
export const LOCAL_NETWORK = "Local network";

const LOCAL_RANGES = new Set(["private", "loopback", "linkLocal", "uniqueLocal"]);
const DATABASE = "node_modules/@ip-location-db/geo-whois-asn-country-mmdb/geo-whois-asn-country.mmdb";

// This database's records are { country_code } rather than MaxMind's shape, which the reader's types expect.
type PlaceRecord = CountryResponse & { country_code?: string };
let reader: Reader<PlaceRecord> | undefined;
const regionNames = new Intl.DisplayNames(["en"], { type: "region" });

/** Opened on the first lookup, not at start: servers that never show a profile never pay its ~8 MiB. */
function database(): Reader<PlaceRecord> {
  reader ??= new Reader<PlaceRecord>(readFileSync(path.join(process.cwd(), DATABASE)));
  return reader;
}

/**
 * "United States" for 8.8.8.8, "Local network" for 10.0.0.1 or ::1, null when nothing can be said
 * (no address, not an address, a documentation or reserved range, or a public address the database
 * does not place). Reserved ranges are refused before the lookup: the database places some of them.
 */
export function approximatePlace(ip: string | null | undefined): string | null {
  if (!ip || !ipaddr.isValid(ip)) return null;
  const address = ipaddr.process(ip); // ::ffff:8.8.8.8 is 8.8.8.8
  const range = address.range();
  if (LOCAL_RANGES.has(range)) return LOCAL_NETWORK;
  if (range !== "unicast") return null;
  const code = database().get(address.toString())?.country_code;
  if (!code) return null;
  try {
    return regionNames.of(code) ?? null;
  } catch {
    return null; // a code Intl does not know is not worth an error page
  }
}
