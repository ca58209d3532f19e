import { writeFileSync } from 'node:fs';
import { eventsDocPath, renderEventsDoc } from './events-doc.js';

writeFileSync(eventsDocPath, renderEventsDoc());
console.log(`wrote ${eventsDocPath}`);
