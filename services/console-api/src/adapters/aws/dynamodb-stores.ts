import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, paginateQuery, PutCommand, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { ConsoleApp, MetadataAnnotation, PipelineVersion, Project, type MetadataKind } from '../../domain/model.js';
import type { AppStore, MetadataStore, PipelineConfigStore, ProjectStore } from '../../ports/control-plane.js';
import type { OutboxMessage } from '../../ports/outbox.js';
import { outboxPut, writeWithOutbox } from './dynamodb-outbox.js';

/*
 * The console's single table (pk, sk):
 *   PROJECTS            PROJECT#<id>          { project, revision }
 *   APPS                APP#<id>              { app, revision } | tombstone { revision, deletedAt, projectId }
 *   PIPELINE#<project>  V#<10-digit version>  { version }
 *   META#<app>          <kind>#<name>         { annotation }
 *   OUTBOX              <aggregate>#<seq>     contract events not yet published (dynamodb-outbox.ts)
 *   HEALTH…, JOB#…, APPHEALTH#…               pipeline health (dynamodb-health.ts)
 */

export const defaultDocumentClient = () => DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });

/** Runs a conditional write; false when the condition failed. */
export async function conditional(write: Promise<unknown>): Promise<boolean> {
  try {
    await write;
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

/** Every item of a partition (optionally a key range), across pages. */
export async function queryAll(doc: DynamoDBDocumentClient, input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for await (const page of paginateQuery({ client: doc }, input)) out.push(...(page.Items ?? []));
  return out;
}

const partition = (table: string, pk: string): QueryCommandInput => ({
  TableName: table,
  KeyConditionExpression: 'pk = :pk',
  ExpressionAttributeValues: { ':pk': pk },
});

export class DynamoDbProjectStore implements ProjectStore {
  constructor(
    private readonly table: string,
    private readonly doc = defaultDocumentClient(),
  ) {}

  async list(): Promise<Project[]> {
    return (await queryAll(this.doc, partition(this.table, 'PROJECTS'))).map((i) => Project.parse(i.project));
  }

  async get(projectId: string): Promise<Project | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: 'PROJECTS', sk: `PROJECT#${projectId}` } }));
    return out.Item ? Project.parse(out.Item.project) : undefined;
  }

  create(project: Project): Promise<boolean> {
    return conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'PROJECTS', sk: `PROJECT#${project.projectId}`, project, revision: project.revision },
          ConditionExpression: 'attribute_not_exists(sk)',
        }),
      ),
    );
  }

  update(project: Project, expectedRevision: number): Promise<boolean> {
    return conditional(
      this.doc.send(
        new PutCommand({
          TableName: this.table,
          Item: { pk: 'PROJECTS', sk: `PROJECT#${project.projectId}`, project, revision: project.revision },
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      ),
    );
  }

  delete(projectId: string, expectedRevision: number): Promise<boolean> {
    return conditional(
      this.doc.send(
        new DeleteCommand({
          TableName: this.table,
          Key: { pk: 'PROJECTS', sk: `PROJECT#${projectId}` },
          ConditionExpression: 'revision = :expected',
          ExpressionAttributeValues: { ':expected': expectedRevision },
        }),
      ),
    );
  }
}

// Items written before apps carried a top-level revision keep it inside `app`.
const APP_AT_REVISION = 'attribute_not_exists(deletedAt) AND (revision = :expected OR (attribute_not_exists(revision) AND app.revision = :expected))';

export class DynamoDbAppStore implements AppStore {
  constructor(
    private readonly table: string,
    private readonly doc = defaultDocumentClient(),
  ) {}

  async list(): Promise<ConsoleApp[]> {
    const items = await queryAll(this.doc, partition(this.table, 'APPS'));
    return items.filter((i) => i.app && !i.deletedAt).map((i) => this.parse(i.app));
  }

  async get(appId: string): Promise<ConsoleApp | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: 'APPS', sk: `APP#${appId}` } }));
    return out.Item?.app && !out.Item.deletedAt ? this.parse(out.Item.app) : undefined;
  }

  create(app: ConsoleApp, event: OutboxMessage): Promise<boolean> {
    return writeWithOutbox(
      this.doc,
      {
        Put: {
          TableName: this.table,
          Item: { pk: 'APPS', sk: `APP#${app.appId}`, app, revision: app.revision },
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      },
      outboxPut(this.table, event),
    );
  }

  update(app: ConsoleApp, expectedRevision: number, event: OutboxMessage): Promise<boolean> {
    return writeWithOutbox(
      this.doc,
      {
        Put: {
          TableName: this.table,
          Item: { pk: 'APPS', sk: `APP#${app.appId}`, app, revision: app.revision },
          ConditionExpression: APP_AT_REVISION,
          ExpressionAttributeValues: { ':expected': expectedRevision },
        },
      },
      outboxPut(this.table, event),
    );
  }

  async delete(appId: string, revision: number, expectedRevision: number, deletedAt: string, event: OutboxMessage): Promise<boolean> {
    const current = await this.get(appId);
    if (!current) return false;
    return writeWithOutbox(
      this.doc,
      {
        Put: {
          TableName: this.table,
          Item: { pk: 'APPS', sk: `APP#${appId}`, revision, deletedAt, projectId: current.projectId },
          ConditionExpression: APP_AT_REVISION,
          ExpressionAttributeValues: { ':expected': expectedRevision },
        },
      },
      outboxPut(this.table, event),
    );
  }

  /** Apps stored before the console kept creation times and retention get neutral values. */
  private parse(raw: unknown): ConsoleApp {
    const app = raw as Record<string, unknown>;
    return ConsoleApp.parse({ retentionDays: 0, createdAt: '1970-01-01T00:00:00.000Z', updatedAt: '1970-01-01T00:00:00.000Z', ...app });
  }
}

const versionKey = (v: number) => `V#${String(v).padStart(10, '0')}`;

export class DynamoDbPipelineConfigStore implements PipelineConfigStore {
  constructor(
    private readonly table: string,
    private readonly doc = defaultDocumentClient(),
  ) {}

  async latest(projectId: string): Promise<PipelineVersion | undefined> {
    const page = await this.doc.send(new QueryCommand({ ...partition(this.table, `PIPELINE#${projectId}`), ScanIndexForward: false, Limit: 1 }));
    const item = page.Items?.[0];
    return item ? PipelineVersion.parse(item.version) : undefined;
  }

  async get(projectId: string, version: number): Promise<PipelineVersion | undefined> {
    const out = await this.doc.send(new GetCommand({ TableName: this.table, Key: { pk: `PIPELINE#${projectId}`, sk: versionKey(version) } }));
    return out.Item ? PipelineVersion.parse(out.Item.version) : undefined;
  }

  async list(projectId: string): Promise<PipelineVersion[]> {
    const items = await queryAll(this.doc, { ...partition(this.table, `PIPELINE#${projectId}`), ScanIndexForward: false });
    return items.map((i) => PipelineVersion.parse(i.version));
  }

  append(version: PipelineVersion, event: OutboxMessage): Promise<boolean> {
    return writeWithOutbox(
      this.doc,
      {
        Put: {
          TableName: this.table,
          Item: { pk: `PIPELINE#${version.projectId}`, sk: versionKey(version.version), version },
          ConditionExpression: 'attribute_not_exists(sk)',
        },
      },
      outboxPut(this.table, event),
    );
  }
}

export class DynamoDbMetadataStore implements MetadataStore {
  constructor(
    private readonly table: string,
    private readonly doc = defaultDocumentClient(),
  ) {}

  async list(appId: string): Promise<MetadataAnnotation[]> {
    return (await queryAll(this.doc, partition(this.table, `META#${appId}`))).map((i) => MetadataAnnotation.parse(i.annotation));
  }

  async put(annotation: MetadataAnnotation): Promise<void> {
    await this.doc.send(
      new PutCommand({ TableName: this.table, Item: { pk: `META#${annotation.appId}`, sk: `${annotation.kind}#${annotation.name}`, annotation } }),
    );
  }

  remove(appId: string, kind: MetadataKind, name: string): Promise<boolean> {
    return conditional(
      this.doc.send(
        new DeleteCommand({ TableName: this.table, Key: { pk: `META#${appId}`, sk: `${kind}#${name}` }, ConditionExpression: 'attribute_exists(sk)' }),
      ),
    );
  }
}
