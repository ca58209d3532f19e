import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { ClickstreamEvent, encodeRawEnvelopeV2, parseRawEnvelopeHeader, RawEnvelope, RawEnvelopeV2, type RawEnvelopeV1 } from '@clickstream/contracts';
import {
  EVENT_CASES,
  generateTraffic,
  rawEnvelopes,
  rawPrefix,
  rawRecords,
  sdkRequests,
  toEnvelopeHeader,
  toRawLine,
  toSdkRequest,
  writeRawFiles,
  type GeneratedUpload,
  type TrafficOptions,
} from '../src/index.js';

const FROM = Date.UTC(2026, 10, 1);
const DAY = 24 * 3600_000;
const base: TrafficOptions = { seed: 'test', from: FROM, to: FROM + DAY, events: 20_000 };
const all = (o: TrafficOptions = base): GeneratedUpload[] => [...generateTraffic(o)];

describe('traffic generator', () => {
  const uploads = all();

  it('is deterministic: the same seed gives byte-identical uploads, another seed different ones', () => {
    const again = all();
    assert.deepEqual(again, uploads);
    const other = all({ ...base, seed: 'other' });
    assert.notDeepEqual(other.slice(0, 10), uploads.slice(0, 10));
  });

  it('stops at the event count and uploads in arrival order within the period', () => {
    const events = uploads.reduce((n, u) => n + u.meta.events, 0);
    assert.ok(events >= 20_000 && events < 20_100, `${events} events`);
    for (let i = 1; i < uploads.length; i++) assert.ok(uploads[i]!.receivedAt >= uploads[i - 1]!.receivedAt);
    assert.ok(uploads[0]!.receivedAt >= FROM && uploads.at(-1)!.receivedAt < FROM + DAY);
  });

  it('makes valid envelopes whose events satisfy the event model, except the ones it broke on purpose', () => {
    let valid = 0;
    for (const envelope of rawEnvelopes(base)) {
      assert.ok(RawEnvelopeV2.safeParse(envelope).success);
      const body = envelope.body;
      assert.ok(Array.isArray(body) && body.length > 0);
      for (const e of body) if (ClickstreamEvent.safeParse(e).success) valid++;
    }
    const schemaValid = new Set(['late-event', 'future-event', 'app-id-mismatch']);
    const broken = uploads.reduce((n, u) => n + u.meta.malformed.filter((m) => !schemaValid.has(m)).length, 0);
    const total = uploads.reduce((n, u) => n + u.meta.events, 0);
    assert.equal(valid, total - broken);
  });

  it('mixes web and mobile, many users and devices, every channel group and several countries', () => {
    const platforms = new Set(uploads.map((u) => u.meta.platform));
    assert.deepEqual([...platforms].sort(), ['Android', 'Web', 'iOS']);
    const users = new Set<string>();
    const types = new Map<string, number>();
    const pages = new Set<string>();
    for (const u of uploads) {
      for (const e of JSON.parse(u.body) as Record<string, unknown>[]) {
        if (typeof e !== 'object') continue;
        users.add(String(e.unique_id));
        types.set(String(e.event_type), (types.get(String(e.event_type)) ?? 0) + 1);
        const url = (e.attributes as Record<string, unknown> | undefined)?._page_url;
        if (typeof url === 'string') pages.add(new URL(url).search);
      }
    }
    assert.ok(users.size > 300, `${users.size} users`);
    for (const t of ['_page_view', '_screen_view', '_session_start', '_user_engagement', 'view_item', 'add_to_cart', 'purchase', 'login', '_first_open']) {
      assert.ok((types.get(t) ?? 0) > 0, `has ${t}`);
    }
    assert.ok((types.get('_page_view') ?? 0) > (types.get('add_to_cart') ?? 0) * 3, 'page views far outnumber add-to-carts');
    assert.ok([...pages].some((q) => q.includes('gclid=')) && [...pages].some((q) => q.includes('utm_medium=email')));
    assert.ok(new Set(uploads.map((u) => u.clientIp.split('.')[0])).size > 8, 'addresses from several countries');
    assert.ok(uploads.some((u) => u.clientIp.includes(':')), 'some IPv6');
  });

  it('produces every malformed event case, late and future events, retries, bots, skewed clocks and over-long values', () => {
    const big = all({ ...base, events: 60_000, shares: { malformed: 0.05, late: 0.01, future: 0.01 } });
    const cases = new Set(big.flatMap((u) => u.meta.malformed));
    for (const c of [...EVENT_CASES, 'late-event', 'future-event'] as const) assert.ok(cases.has(c), `case ${c}`);
    assert.ok(big.some((u) => u.meta.retryOf !== undefined));
    assert.ok(big.some((u) => u.meta.bot));
    assert.ok(big.some((u) => u.meta.clockSkewMs !== 0 && u.query.upload_timestamp !== String(u.receivedAt)));
    assert.ok(big.some((u) => u.meta.overlong > 0));
    const retry = big.find((u) => u.meta.retryOf !== undefined)!;
    assert.equal(retry.body, big.find((u) => u.requestId === retry.meta.retryOf)!.body, 'a retry repeats the body');
  });

  it('sends SDK requests in each SDK’s wire shape', () => {
    const requests = [...sdkRequests({ ...base, events: 3000 })];
    const uploadsSmall = all({ ...base, events: 3000 });
    assert.equal(requests.length, uploadsSmall.length);
    requests.forEach((r, i) => {
      const u = uploadsSmall[i]!;
      assert.ok(r.path.startsWith(`/collect?platform=${u.meta.platform}&appId=${u.appId}`));
      const json = r.query.compression === 'gzip' ? gunzipSync(Buffer.from(r.body, 'base64')).toString('utf8') : r.body;
      assert.equal(json, u.body);
      if (u.meta.platform === 'iOS') assert.equal(r.query.upload_timestamp, undefined);
      else assert.equal(r.query.hashCode, createHash('sha256').update(u.body).digest('hex').slice(0, 8));
      assert.equal(r.headers['user-agent'], u.userAgent);
    });
    assert.deepEqual(toSdkRequest(uploadsSmall[0]!), requests[0]);
  });

  it('refuses invalid-json requests at ingest: they are absent from the envelopes', () => {
    const o = { ...base, events: 3000, shares: { invalidRequest: 0.2 } };
    const invalid = all(o).filter((u) => u.meta.malformed.includes('invalid-json-body'));
    assert.ok(invalid.length > 0);
    const ids = new Set([...rawEnvelopes(o)].map((e) => e.requestId));
    for (const u of invalid) {
      assert.ok(!ids.has(u.requestId));
      assert.throws(() => JSON.parse(u.body));
    }
  });

  it('stores what ingest writes: v2 lines from encodeRawEnvelopeV2, the body embedded byte for byte, one JSON.parse per line', () => {
    const o = { ...base, events: 3000 };
    const small = all(o);
    const lines = [...rawRecords(o)];
    assert.equal(lines.length, small.length);
    const utf8 = new TextEncoder();
    small.forEach((u, i) => {
      const header = toEnvelopeHeader(u)!;
      const expected = Buffer.from(encodeRawEnvelopeV2(header, utf8.encode(u.body))).toString('utf8');
      assert.equal(lines[i], expected);
      assert.equal(toRawLine(u), expected);
      const parsed = RawEnvelope.parse(JSON.parse(lines[i]!));
      assert.equal(parsed.v, 2);
      assert.equal(JSON.stringify(parsed.body), u.body, 'the body is the request body, unchanged');
    });
    assert.deepEqual([...rawRecords(o)], lines, 'same seed, same bytes');
  });

  it('damages records as storage would: cut lines, and v1 envelopes whose body string was cut', () => {
    const o = { ...base, events: 4000, corruptRecords: 0.1 };
    const byId = new Map(all(o).map((u) => [u.requestId, u]));
    let cut = 0;
    let v1 = 0;
    for (const line of rawRecords(o)) {
      let json: unknown;
      try {
        json = JSON.parse(line);
      } catch {
        cut++;
        continue;
      }
      const e = RawEnvelope.parse(json);
      if (e.v === 2) continue;
      v1++;
      const u = byId.get(e.requestId)!;
      assert.ok(u.body.startsWith(e.body) && e.body.length < u.body.length);
      assert.throws(() => JSON.parse((e as RawEnvelopeV1).body));
    }
    assert.ok(cut > 0 && v1 > 0, `${cut} cut lines, ${v1} v1 records`);
  });

  it('writes raw files with the Firehose layout, gzip or not, records without a readable header to the error prefix', async (t) => {
    const dir = await mkdtemp(join(tmpdir(), 'traffic-raw-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const o = { ...base, events: 2000, corruptRecords: 0.05 };
    // Partitioning reads the header only (as ingest's roller does): a line cut inside its body
    // still lands in its partition (processing makes it a bad row); one cut in the header cannot.
    const lines = [...rawRecords(o), '{"v":2,"requestId":"cut-in-the-hea'];
    const result = await writeRawFiles(lines, dir, { recordsPerRoll: 300 });
    assert.equal(result.records, lines.length);
    const read: string[] = [];
    for (const key of result.keys) {
      assert.match(key, /^(raw\/app_id=\w+\/year=\d{4}\/month=\d\d\/day=\d\d\/hour=\d\d\/|errors\/unpartitionable\/)clickstream-\d{20}-\d{20}\.jsonl\.gz$/);
      const text = gunzipSync(await readFile(join(dir, ...key.split('/')))).toString('utf8');
      assert.ok(text.endsWith('\n'));
      const fileLines = text.slice(0, -1).split('\n');
      for (const line of fileLines) {
        if (key.startsWith('raw/')) {
          const e = parseRawEnvelopeHeader(line)!;
          assert.ok(key.startsWith(rawPrefix(e.appId, e.ingestTime)));
        } else {
          assert.equal(parseRawEnvelopeHeader(line), undefined);
        }
      }
      read.push(...fileLines);
    }
    assert.deepEqual(read.sort(), [...lines].sort());
    assert.ok(result.keys.some((k) => k.startsWith('errors/')), 'corrupt records go to the error prefix');
    assert.equal(rawPrefix('shop', Date.UTC(2026, 0, 2, 3)), 'raw/app_id=shop/year=2026/month=01/day=02/hour=03/');

    const plain = await mkdtemp(join(tmpdir(), 'traffic-raw-plain-'));
    t.after(() => rm(plain, { recursive: true, force: true }));
    const { keys } = await writeRawFiles(rawEnvelopes({ ...base, events: 200 }), plain, { gzip: false });
    assert.ok(keys.every((k) => k.endsWith('.jsonl')));
    // Envelope objects are written as ingest writes them: the same bytes as the lines.
    const plainLines: string[] = [];
    for (const key of keys) plainLines.push(...(await readFile(join(plain, ...key.split('/')), 'utf8')).slice(0, -1).split('\n'));
    assert.deepEqual(plainLines.sort(), [...rawRecords({ ...base, events: 200 })].sort());
    const first = join(plain, ...keys[0]!.split('/'));
    assert.ok((await readdir(join(first, '..'))).every((n) => !n.startsWith('.tmp-')));
  });
});
