import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { allContracts } from '@clickstream/contracts';
import { consumersOf, eventsDocPath, renderEventsDoc } from '../scripts/events-doc.js';

describe('docs/EVENTS.md', () => {
  it('matches the contracts and the services\' rules (run `npm run docs:events` after changing either)', () => {
    assert.equal(readFileSync(eventsDocPath, 'utf8'), renderEventsDoc());
  });

  it('has every contract example valid against its own schema', () => {
    for (const c of allContracts) assert.ok(c.schema.safeParse(c.example).success, c.detailType);
  });

  it('routes the processing result to both model services and the console health view', () => {
    const { ProcessingCompleted } = Object.fromEntries(allContracts.map((c) => [c.detailType.split('.')[0], c]));
    assert.ok(ProcessingCompleted);
    assert.deepEqual(consumersOf(ProcessingCompleted), [
      'console-api · on-pipeline-event',
      'model-athena · on-processing-completed',
      'model-redshift · on-processing-completed',
    ]);
  });
});
