// The documents generated from code; `npm run docs` writes them and a test fails when one is stale.
import { join } from 'node:path';
import { renderDataModelDoc } from './data-model-doc.js';
import { renderEventsDoc, repoRoot } from './events-doc.js';

export const generatedDocs = [
  { path: join(repoRoot, 'docs', 'EVENTS.md'), render: renderEventsDoc },
  { path: join(repoRoot, 'docs', 'DATA_MODEL.md'), render: renderDataModelDoc },
];
