import type Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import type { SavedExploration, SavedExplorationInput, SavedExplorations } from '../../ports/analytics.js';

/**
 * Saved explorations in the console's SQLite database (DATA_DIR/console.sqlite), one JSON document
 * per (project, id). The table is created here if missing, so the store works on any console database.
 */
export class SqliteSavedExplorations implements SavedExplorations {
  constructor(private readonly db: Database.Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS saved_explorations (
      project_id TEXT NOT NULL,
      id TEXT NOT NULL,
      name TEXT NOT NULL,
      doc TEXT NOT NULL,
      PRIMARY KEY (project_id, id)
    )`);
  }

  async list(projectId: string): Promise<SavedExploration[]> {
    const rows = this.db.prepare('SELECT doc FROM saved_explorations WHERE project_id = ? ORDER BY name, id').all(projectId) as { doc: string }[];
    return rows.map((r) => JSON.parse(r.doc) as SavedExploration);
  }

  async get(projectId: string, id: string): Promise<SavedExploration | undefined> {
    const row = this.db.prepare('SELECT doc FROM saved_explorations WHERE project_id = ? AND id = ?').get(projectId, id) as { doc: string } | undefined;
    return row ? (JSON.parse(row.doc) as SavedExploration) : undefined;
  }

  async create(projectId: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration> {
    const saved: SavedExploration = { id: randomUUID(), projectId, ...pick(input), createdBy: by, createdAt: at, updatedBy: by, updatedAt: at };
    this.db.prepare('INSERT INTO saved_explorations (project_id, id, name, doc) VALUES (?, ?, ?, ?)').run(projectId, saved.id, saved.name, JSON.stringify(saved));
    return saved;
  }

  async update(projectId: string, id: string, input: SavedExplorationInput, by: string, at: string): Promise<SavedExploration | undefined> {
    return this.db.transaction(() => {
      const row = this.db.prepare('SELECT doc FROM saved_explorations WHERE project_id = ? AND id = ?').get(projectId, id) as { doc: string } | undefined;
      if (!row) return undefined;
      const before = JSON.parse(row.doc) as SavedExploration;
      const saved: SavedExploration = { ...before, ...pick(input), updatedBy: by, updatedAt: at };
      this.db.prepare('UPDATE saved_explorations SET name = ?, doc = ? WHERE project_id = ? AND id = ?').run(saved.name, JSON.stringify(saved), projectId, id);
      return saved;
    })();
  }

  async delete(projectId: string, id: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM saved_explorations WHERE project_id = ? AND id = ?').run(projectId, id).changes > 0;
  }
}

function pick(input: SavedExplorationInput): SavedExplorationInput {
  return { appId: input.appId, name: input.name, description: input.description, request: input.request };
}
