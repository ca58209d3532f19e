import { AppSettings } from '@clickstream/contracts';
import type { ObjectStore } from '@clickstream/runtime';
import type { SqliteDatabase } from './sqlite-database.js';

const DONE_KEY = 'import.objectStore';

/**
 * Brings the console state of releases that kept it as JSON in the object store (`console/apps/`,
 * `console/pipeline-health.json`) into SQLite, once. The files stay where they are: a downgrade
 * still finds them. Apps get a project each (named after its id) since those releases had none.
 */
export async function importObjectStoreState(db: SqliteDatabase, objects: ObjectStore, now: string): Promise<{ apps: number; healthKinds: number } | undefined> {
  if (db.prepare('SELECT 1 FROM settings WHERE key = ?').get(DONE_KEY)) return undefined;
  const apps: AppSettings[] = [];
  for (const key of await objects.list('console/apps/')) {
    const raw = await objects.get(key);
    if (raw) apps.push(AppSettings.parse(JSON.parse(raw.toString('utf8'))));
  }
  const healthRaw = await objects.get('console/pipeline-health.json');
  const health = healthRaw ? (JSON.parse(healthRaw.toString('utf8')) as Record<string, { at: string; summary: unknown }>) : {};

  db.transaction(() => {
    const project = db.prepare('INSERT INTO projects (project_id, revision, doc) VALUES (?, 1, ?) ON CONFLICT DO NOTHING');
    const app = db.prepare('INSERT INTO apps (app_id, project_id, revision, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
    for (const a of apps) {
      project.run(a.projectId, JSON.stringify({ projectId: a.projectId, name: a.projectId, description: '', createdAt: now, updatedAt: now, revision: 1 }));
      app.run(a.appId, a.projectId, a.revision, JSON.stringify({ ...a, retentionDays: 0, createdAt: now, updatedAt: now }));
    }
    const latest = db.prepare('INSERT INTO health_latest (kind, at, summary) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    for (const [kind, v] of Object.entries(health)) latest.run(kind, v.at, JSON.stringify(v.summary));
    db.prepare('INSERT INTO settings (key, value) VALUES (?, ?)').run(DONE_KEY, JSON.stringify({ at: now, apps: apps.length, healthKinds: Object.keys(health).length }));
  })();
  return { apps: apps.length, healthKinds: Object.keys(health).length };
}
