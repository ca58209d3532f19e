import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { renderViews, type ViewSql } from './analysis-views.js';

/** The service's versioned view files (`sql/views/NNN_name.sql`), rendered for the warehouse contract. */
export function loadViewFiles(dir = fileURLToPath(new URL('../../sql/views/', import.meta.url))): ViewSql[] {
  const names = readdirSync(dir).filter((n) => n.endsWith('.sql'));
  return renderViews(names.map((name) => ({ name, text: readFileSync(`${dir}/${name}`, 'utf8') })));
}
