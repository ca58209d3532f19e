import { writeFileSync } from 'node:fs';
import { generatedDocs } from './generated-docs.js';

for (const doc of generatedDocs) {
  writeFileSync(doc.path, doc.render());
  console.log(`wrote ${doc.path}`);
}
