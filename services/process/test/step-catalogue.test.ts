// console-api validates pipeline configurations against the shared step catalogue; a step process
// runs but the catalogue lacks (or the reverse) would let a configuration through that fails every run.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { processingSteps } from '@clickstream/contracts';
import { stepKinds, stepRegistry } from '../src/domain/pipeline/registry.js';

describe('the shared processing-step catalogue', () => {
  it('lists exactly the steps the registry runs', () => {
    assert.deepEqual(processingSteps.map((s) => s.name).sort(), [...stepRegistry.keys()].sort());
  });

  it('gives each step the kind the registry treats it as', () => {
    for (const [kind, names] of Object.entries(stepKinds)) {
      for (const name of names) assert.equal(processingSteps.find((s) => s.name === name)?.kind, kind, name);
    }
  });
});
