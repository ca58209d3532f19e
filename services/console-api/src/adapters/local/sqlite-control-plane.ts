import { ConsoleApp, MetadataAnnotation, PipelineVersion, Project, type MetadataKind } from '../../domain/model.js';
import type { AppStore, MetadataStore, PipelineConfigStore, ProjectStore } from '../../ports/control-plane.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import type { SqliteDatabase } from './sqlite-database.js';
import { insertOutboxMessage } from './sqlite-outbox.js';

// Documents are parsed on the way out: a row edited by hand fails loudly instead of leaking.
const parse = <T>(schema: { parse(v: unknown): T }, doc: string): T => schema.parse(JSON.parse(doc));

/** Runs a conditional write and, only if it changed a row, adds its announcement to the outbox: one transaction. */
function announced(db: SqliteDatabase, write: () => number, event: OutboxMessage): boolean {
  return db.transaction(() => {
    if (write() !== 1) return false;
    insertOutboxMessage(db, event);
    return true;
  })();
}

export class SqliteProjectStore implements ProjectStore {
  constructor(private readonly db: SqliteDatabase) {}

  async list(): Promise<Project[]> {
    const rows = this.db.prepare('SELECT doc FROM projects ORDER BY project_id').all() as { doc: string }[];
    return rows.map((r) => parse(Project, r.doc));
  }

  async get(projectId: string): Promise<Project | undefined> {
    const row = this.db.prepare('SELECT doc FROM projects WHERE project_id = ?').get(projectId) as { doc: string } | undefined;
    return row ? parse(Project, row.doc) : undefined;
  }

  async create(project: Project): Promise<boolean> {
    const out = this.db
      .prepare('INSERT INTO projects (project_id, revision, doc) VALUES (?, ?, ?) ON CONFLICT (project_id) DO NOTHING')
      .run(project.projectId, project.revision, JSON.stringify(project));
    return out.changes === 1;
  }

  async update(project: Project, expectedRevision: number): Promise<boolean> {
    const out = this.db
      .prepare('UPDATE projects SET revision = ?, doc = ? WHERE project_id = ? AND revision = ?')
      .run(project.revision, JSON.stringify(project), project.projectId, expectedRevision);
    return out.changes === 1;
  }

  async delete(projectId: string, expectedRevision: number): Promise<boolean> {
    return this.db.prepare('DELETE FROM projects WHERE project_id = ? AND revision = ?').run(projectId, expectedRevision).changes === 1;
  }
}

export class SqliteAppStore implements AppStore {
  constructor(private readonly db: SqliteDatabase) {}

  async list(): Promise<ConsoleApp[]> {
    const rows = this.db.prepare('SELECT doc FROM apps WHERE doc IS NOT NULL ORDER BY app_id').all() as { doc: string }[];
    return rows.map((r) => parse(ConsoleApp, r.doc));
  }

  async get(appId: string): Promise<ConsoleApp | undefined> {
    const row = this.db.prepare('SELECT doc FROM apps WHERE app_id = ? AND doc IS NOT NULL').get(appId) as { doc: string } | undefined;
    return row ? parse(ConsoleApp, row.doc) : undefined;
  }

  async create(app: ConsoleApp, event: OutboxMessage): Promise<boolean> {
    const insert = this.db.prepare('INSERT INTO apps (app_id, project_id, revision, doc) VALUES (?, ?, ?, ?) ON CONFLICT (app_id) DO NOTHING');
    return announced(this.db, () => insert.run(app.appId, app.projectId, app.revision, JSON.stringify(app)).changes, event);
  }

  async update(app: ConsoleApp, expectedRevision: number, event: OutboxMessage): Promise<boolean> {
    const update = this.db.prepare('UPDATE apps SET revision = ?, project_id = ?, doc = ? WHERE app_id = ? AND revision = ? AND doc IS NOT NULL');
    return announced(this.db, () => update.run(app.revision, app.projectId, JSON.stringify(app), app.appId, expectedRevision).changes, event);
  }

  async delete(appId: string, revision: number, expectedRevision: number, deletedAt: string, event: OutboxMessage): Promise<boolean> {
    const tombstone = this.db.prepare('UPDATE apps SET revision = ?, deleted_at = ?, doc = NULL WHERE app_id = ? AND revision = ? AND doc IS NOT NULL');
    return announced(this.db, () => tombstone.run(revision, deletedAt, appId, expectedRevision).changes, event);
  }
}

export class SqlitePipelineConfigStore implements PipelineConfigStore {
  constructor(private readonly db: SqliteDatabase) {}

  async latest(projectId: string): Promise<PipelineVersion | undefined> {
    const row = this.db
      .prepare('SELECT doc FROM pipeline_versions WHERE project_id = ? ORDER BY version DESC LIMIT 1')
      .get(projectId) as { doc: string } | undefined;
    return row ? parse(PipelineVersion, row.doc) : undefined;
  }

  async get(projectId: string, version: number): Promise<PipelineVersion | undefined> {
    const row = this.db
      .prepare('SELECT doc FROM pipeline_versions WHERE project_id = ? AND version = ?')
      .get(projectId, version) as { doc: string } | undefined;
    return row ? parse(PipelineVersion, row.doc) : undefined;
  }

  async list(projectId: string): Promise<PipelineVersion[]> {
    const rows = this.db.prepare('SELECT doc FROM pipeline_versions WHERE project_id = ? ORDER BY version DESC').all(projectId) as {
      doc: string;
    }[];
    return rows.map((r) => parse(PipelineVersion, r.doc));
  }

  async append(version: PipelineVersion, event: OutboxMessage): Promise<boolean> {
    const insert = this.db.prepare('INSERT INTO pipeline_versions (project_id, version, doc) VALUES (?, ?, ?) ON CONFLICT DO NOTHING');
    return announced(this.db, () => insert.run(version.projectId, version.version, JSON.stringify(version)).changes, event);
  }
}

export class SqliteMetadataStore implements MetadataStore {
  constructor(private readonly db: SqliteDatabase) {}

  async list(appId: string): Promise<MetadataAnnotation[]> {
    const rows = this.db.prepare('SELECT doc FROM metadata WHERE app_id = ? ORDER BY kind, name').all(appId) as { doc: string }[];
    return rows.map((r) => parse(MetadataAnnotation, r.doc));
  }

  async put(a: MetadataAnnotation): Promise<void> {
    this.db
      .prepare('INSERT INTO metadata (app_id, kind, name, doc) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET doc = excluded.doc')
      .run(a.appId, a.kind, a.name, JSON.stringify(a));
  }

  async remove(appId: string, kind: MetadataKind, name: string): Promise<boolean> {
    return this.db.prepare('DELETE FROM metadata WHERE app_id = ? AND kind = ? AND name = ?').run(appId, kind, name).changes === 1;
  }
}
