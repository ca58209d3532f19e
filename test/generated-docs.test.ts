import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { allContracts } from '@clickstream/contracts';
import { consumersOf } from '../scripts/events-doc.js';
import { generatedDocs } from '../scripts/generated-docs.js';

describe('generated documents', () => {
  for (const doc of generatedDocs) {
    it(`${doc.path.split('/').pop()} matches the code it is generated from (run \`npm run docs\` after changing it)`, () => {
      assert.equal(readFileSync(doc.path, 'utf8'), doc.render());
    });
  }

  it('has every contract example valid against its own schema', () => {
    for (const c of allContracts) assert.ok(c.schema.safeParse(c.example).success, c.detailType);
  });

  it('routes the processing result to both model services and the console health view', () => {
    const contract = allContracts.find((c) => c.detailType === 'ProcessingCompleted.v1');
    assert.ok(contract);
    assert.deepEqual(consumersOf(contract), [
      'console-api · on-pipeline-event',
      'model-athena · on-processing-completed',
      'model-redshift · on-processing-completed',
    ]);
  });
});
