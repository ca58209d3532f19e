import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AppHealth, PipelineConfig } from '../src/api/types.js';
import { configIssues, diffConfig, stageStatuses, validatePipeline } from '../src/lib/pipeline-model.js';

const config: PipelineConfig = {
  ingest: { sink: 'kinesis' },
  process: { intervalSeconds: 900, sessionTimeoutMinutes: 30, lateEventWindowHours: 72, anonymiseIp: false, enrichers: ['user-agent', 'geo'], plugins: [] },
  model: { targets: ['athena'], redshiftLoadIntervalMinutes: 5 },
};

describe('pipeline builder model', () => {
  it('accepts the defaults and names each out-of-range field', () => {
    assert.deepEqual(validatePipeline(config), []);
    const bad = structuredClone(config);
    bad.process.intervalSeconds = 5;
    bad.process.sessionTimeoutMinutes = 1.5;
    bad.process.lateEventWindowHours = Number.NaN;
    bad.process.plugins = [{ name: ' ', options: {} }];
    bad.model.targets = [];
    assert.deepEqual(
      validatePipeline(bad).map((i) => [i.path.join('.'), i.message]),
      [
        ['process.intervalSeconds', 'Interval must be between 10 and 86400'],
        ['process.sessionTimeoutMinutes', 'Session timeout must be a whole number'],
        ['process.lateEventWindowHours', 'Late-event window must be a number'],
        ['process.plugins.0.name', 'A plugin needs a name'],
        ['model.targets', 'Choose at least one warehouse'],
      ],
    );
  });

  it("maps the API's body paths onto the config's fields", () => {
    assert.deepEqual(configIssues([{ path: ['config', 'process', 'intervalSeconds'], message: 'too small' }, { path: ['model'], message: 'x' }]), [
      { path: ['process', 'intervalSeconds'], message: 'too small' },
      { path: ['model'], message: 'x' },
    ]);
  });

  it('diffs leaf by leaf, arrays as one value', () => {
    const next = structuredClone(config);
    next.process.intervalSeconds = 60;
    next.process.enrichers = ['user-agent', 'geo', 'bots'];
    next.model.targets = ['athena', 'redshift'];
    assert.deepEqual(diffConfig(config, next), [
      { path: 'process.intervalSeconds', before: 900, after: 60 },
      { path: 'process.enrichers', before: ['user-agent', 'geo'], after: ['user-agent', 'geo', 'bots'] },
      { path: 'model.targets', before: ['athena'], after: ['athena', 'redshift'] },
    ]);
    assert.deepEqual(diffConfig(config, structuredClone(config)), []);
  });
});

const health = (over: Partial<AppHealth> = {}): AppHealth => ({
  appId: 'shop_web',
  enabled: true,
  ingest: { windowMinutes: 60, events: 120, badRows: 0, eventsPerMinute: 2 },
  last24h: { runs: 4, events: 500, badRows: 3 },
  lastRun: { jobId: 'j1', startedAt: '2026-11-29T09:59:00.000Z', completedAt: '2026-11-29T10:00:00.000Z' },
  freshness: { newestQueryableBefore: '2026-11-29T09:59:00.000Z', queryableAt: '2026-11-29T10:00:05.000Z', seconds: 65 },
  failedLoads: [],
  alarms: [],
  ...over,
});

describe('stage health', () => {
  const now = Date.parse('2026-11-29T10:05:00.000Z');

  it('sums the apps of the project per stage', () => {
    const s = stageStatuses([health(), health({ appId: 'shop_ios', ingest: { windowMinutes: 60, events: 30, badRows: 0, eventsPerMinute: 0.5 }, freshness: { newestQueryableBefore: null, queryableAt: null, seconds: 300 } })], now);
    assert.equal(s.ingest.tone, 'good');
    assert.deepEqual(s.ingest.facts[0], ['Rate (last hour)', '2.5 events/min']);
    assert.deepEqual(s.process.facts, [
      ['Last run', '5m ago'],
      ['Runs (24 h)', '4'],
      ['Bad rows (24 h)', '6'],
    ]);
    assert.deepEqual(s.dashboards.facts, [['Freshness', '5m 00s behind']], 'the stalest app decides');
  });

  it('puts each alarm on its stage, critical over warning', () => {
    const s = stageStatuses(
      [
        health({
          alarms: [
            { code: 'PROCESSING_FAILING', severity: 'critical', message: 'Processing failed 3 times' },
            { code: 'DATA_STALE', severity: 'warning', message: 'Data is 2 h old' },
          ],
          failedLoads: [{ loadId: 'l', table: 'events', attempt: 2, error: { code: 'X', message: 'y' }, failedAt: '2026-11-29T10:00:00Z' }],
        }),
      ],
      now,
    );
    assert.deepEqual([s.ingest.tone, s.process.tone, s.model.tone, s.dashboards.tone], ['good', 'bad', 'warn', 'warn']);
    assert.equal(s.process.label, 'Processing failed 3 times');
    assert.equal(s.model.label, '1 failed load(s)');
  });

  it('says so when nothing has run yet', () => {
    const s = stageStatuses([health({ ingest: { windowMinutes: 60, events: 0, badRows: 0, eventsPerMinute: 0 }, last24h: { runs: 0, events: 0, badRows: 0 }, lastRun: null, freshness: { newestQueryableBefore: null, queryableAt: null, seconds: null } })], now);
    assert.deepEqual([s.ingest.tone, s.process.tone, s.model.tone, s.dashboards.tone], ['idle', 'idle', 'idle', 'idle']);
    assert.equal(s.process.facts[0]![1], 'never');
  });
});
