// Helpers shared by scripts/package-services.ts and test/services.package.test.ts: where the services
// and their packaged artefacts are, a minimal zip reader, and views over a CloudFormation template
// (rules, IAM statements) that the packaging test asserts on.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inflateRawSync } from 'node:zlib';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const servicesRoot = join(repoRoot, 'services');

/** Function bundles that must stay small (cold start): zip bytes. */
export const ZIP_BUDGETS: Readonly<Record<string, number>> = { 'ingest/http-collect': 250 * 1024 };
/** Minified bundle budgets (the ingest issue's target for the hot path). */
export const BUNDLE_BUDGETS: Readonly<Record<string, number>> = { 'ingest/http-collect': 250 * 1024 };

/**
 * Actions that may be granted on `Resource: '*'` because AWS offers no resource-level scoping for
 * them. Keep it short and justified; everything else must name its resources.
 */
export const WILDCARD_RESOURCE_ACTIONS: ReadonlySet<string> = new Set([
  // X-Ray tracing (if enabled later) only accepts '*'.
  'xray:PutTraceSegments',
  'xray:PutTelemetryRecords',
  // Custom CloudWatch metrics are scoped with a cloudwatch:namespace condition, not a resource.
  'cloudwatch:PutMetricData',
  // Redshift Data API statement reads have no resource type; scoped with redshift-data:statement-owner-iam-userid.
  'redshift-data:DescribeStatement',
  'redshift-data:GetStatementResult',
]);

/** Service folder names (`ingest`, `process`, …) that have a serverless.yml, sorted. */
export function listServices(): string[] {
  return readdirSync(servicesRoot, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(servicesRoot, e.name, 'serverless.yml')))
    .map((e) => e.name)
    .sort();
}

export const serviceDir = (service: string): string => join(servicesRoot, service);
export const packageDir = (service: string): string => join(serviceDir(service), '.serverless');

// ---------- CloudFormation ----------

export interface CfnResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
}

export interface CfnTemplate {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, { Value: unknown }>;
  Conditions?: Record<string, unknown>;
}

export function readTemplate(service: string): CfnTemplate {
  const file = join(packageDir(service), 'cloudformation-template-update-stack.json');
  if (!existsSync(file)) {
    throw new Error(`${file} is missing: run \`npm run package\` first`);
  }
  return JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
}

export function asArray<T>(value: T | readonly T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? [...(value as readonly T[])] : [value as T];
}

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** `{ 'Fn::GetAtt': [Id, Attr] }` → [Id, Attr]; also accepts the `Id.Attr` string form. */
export function getAtt(value: unknown): [string, string] | undefined {
  if (!isRecord(value) || !('Fn::GetAtt' in value)) return undefined;
  const arg = value['Fn::GetAtt'];
  if (typeof arg === 'string') {
    const dot = arg.indexOf('.');
    return dot === -1 ? undefined : [arg.slice(0, dot), arg.slice(dot + 1)];
  }
  if (Array.isArray(arg) && typeof arg[0] === 'string' && typeof arg[1] === 'string') return [arg[0], arg[1]];
  return undefined;
}

export interface RuleTarget {
  Arn: unknown;
  Id: string;
  RetryPolicy?: { MaximumEventAgeInSeconds?: number; MaximumRetryAttempts?: number };
  DeadLetterConfig?: { Arn?: unknown };
}

export interface RuleView {
  logicalId: string;
  name: unknown;
  /** Undefined = the default bus. */
  eventBusName: unknown;
  pattern?: Record<string, unknown>;
  schedule?: unknown;
  targets: RuleTarget[];
}

export function eventRules(template: CfnTemplate): RuleView[] {
  return Object.entries(template.Resources)
    .filter(([, r]) => r.Type === 'AWS::Events::Rule')
    .map(([logicalId, r]) => {
      const p = r.Properties ?? {};
      return {
        logicalId,
        name: p.Name,
        eventBusName: p.EventBusName,
        ...(isRecord(p.EventPattern) ? { pattern: p.EventPattern } : {}),
        ...(p.ScheduleExpression !== undefined ? { schedule: p.ScheduleExpression } : {}),
        targets: asArray(p.Targets as RuleTarget[] | undefined),
      };
    });
}

export interface IamStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: string | string[];
  Resource?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

export interface LocatedStatement {
  /** `LogicalId` or `LogicalId/PolicyName`. */
  where: string;
  /** identity = attached to a role/user (IAM); resource = a bucket/queue/… resource policy. */
  kind: 'identity' | 'resource' | 'trust';
  statement: IamStatement;
}

const RESOURCE_POLICY_TYPES: Record<string, string> = {
  'AWS::S3::BucketPolicy': 'PolicyDocument',
  'AWS::SQS::QueuePolicy': 'PolicyDocument',
  'AWS::SNS::TopicPolicy': 'PolicyDocument',
  'AWS::Events::EventBusPolicy': 'Statement',
};

/** Every policy statement in the template: role inline policies, managed policies, resource policies. */
export function policyStatements(template: CfnTemplate): LocatedStatement[] {
  const out: LocatedStatement[] = [];
  const push = (where: string, kind: LocatedStatement['kind'], doc: unknown) => {
    const statements = isRecord(doc) ? doc.Statement : doc;
    for (const statement of asArray(statements as IamStatement | IamStatement[] | undefined)) {
      out.push({ where, kind, statement });
    }
  };
  for (const [id, r] of Object.entries(template.Resources)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::IAM::Role') {
      push(id, 'trust', p.AssumeRolePolicyDocument);
      for (const policy of asArray(p.Policies as { PolicyName: unknown; PolicyDocument: unknown }[] | undefined)) {
        const name = typeof policy.PolicyName === 'string' ? policy.PolicyName : 'inline';
        push(`${id}/${name}`, 'identity', policy.PolicyDocument);
      }
    } else if (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') {
      push(id, 'identity', p.PolicyDocument);
    } else if (r.Type in RESOURCE_POLICY_TYPES) {
      const key = RESOURCE_POLICY_TYPES[r.Type] as string;
      push(id, 'resource', key === 'Statement' ? p : p[key]);
    }
  }
  return out;
}

/** What is wrong with one statement under the least-privilege rules; empty when it is fine. */
export function statementProblems({ where, kind, statement }: LocatedStatement): string[] {
  if (statement.Effect !== 'Allow') return []; // a Deny can only narrow access
  const problems: string[] = [];
  const label = `${where}${statement.Sid ? ` (${statement.Sid})` : ''}`;
  if (statement.NotAction !== undefined) problems.push(`${label}: Allow with NotAction`);
  if (statement.NotResource !== undefined) problems.push(`${label}: Allow with NotResource`);
  const actions = asArray(statement.Action);
  for (const action of actions) {
    if (action === '*' || action.endsWith(':*')) problems.push(`${label}: wildcard action ${action}`);
  }
  if (kind === 'identity') {
    const resources = asArray(statement.Resource);
    if (resources.length === 0) problems.push(`${label}: no Resource`);
    if (resources.some((r) => r === '*')) {
      const notAllowed = actions.filter((a) => !WILDCARD_RESOURCE_ACTIONS.has(a));
      if (notAllowed.length > 0) problems.push(`${label}: Resource '*' for ${notAllowed.join(', ')}`);
    }
  }
  return problems;
}

/** Allow statements of the service's roles that grant `action` (exact name). */
export function grants(template: CfnTemplate, action: string): LocatedStatement[] {
  return policyStatements(template).filter(
    (s) => s.kind === 'identity' && s.statement.Effect === 'Allow' && asArray(s.statement.Action).includes(action),
  );
}

// ---------- zip files ----------

export interface ZipEntry {
  name: string;
  size: number;
  compressedSize: number;
  read(): Buffer;
}

/** The entries of a zip archive (central directory), enough to size and read Lambda bundles. */
export function readZip(file: string): ZipEntry[] {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 22 - 0xffff); i--) {
    if (buf.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd === -1) throw new Error(`${file}: not a zip archive`);
  const count = buf.readUInt16LE(eocd + 10);
  let at = buf.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: corrupt central directory`);
    const method = buf.readUInt16LE(at + 10);
    const compressedSize = buf.readUInt32LE(at + 20);
    const size = buf.readUInt32LE(at + 24);
    const nameLength = buf.readUInt16LE(at + 28);
    const extraLength = buf.readUInt16LE(at + 30);
    const commentLength = buf.readUInt16LE(at + 32);
    const localHeader = buf.readUInt32LE(at + 42);
    const name = buf.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extraLength + commentLength;
    entries.push({
      name,
      size,
      compressedSize,
      read: () => {
        const start = localHeader + 30 + buf.readUInt16LE(localHeader + 26) + buf.readUInt16LE(localHeader + 28);
        const raw = buf.subarray(start, start + compressedSize);
        if (method === 0) return Buffer.from(raw);
        if (method === 8) return inflateRawSync(raw);
        throw new Error(`${file}: ${name} uses unsupported compression method ${method}`);
      },
    });
  }
  return entries;
}

export interface FunctionPackage {
  service: string;
  function: string;
  /** Zip size on disk: what Lambda downloads. */
  bytes: number;
  /** Uncompressed size of the minified bundle(s) inside. */
  bundleBytes: number;
  zip: string;
}

/** The function zips `sls package` left in the service's .serverless folder. */
export function functionPackages(service: string): FunctionPackage[] {
  const dir = packageDir(service);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.zip'))
    .sort()
    .map((f) => {
      const zip = join(dir, f);
      const entries = readZip(zip);
      return {
        service,
        function: f.slice(0, -'.zip'.length),
        bytes: statSync(zip).size,
        bundleBytes: entries.filter((e) => /\.(mjs|cjs|js)$/.test(e.name)).reduce((sum, e) => sum + e.size, 0),
        zip,
      };
    });
}

/** Modules a bundle still imports at runtime (bare specifiers that are not node built-ins). */
export function runtimeImports(code: string): string[] {
  const found = new Set<string>();
  const patterns = [
    /\bimport\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g,
    /\bimport\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\(\s*["']([^"']+)["']\s*\)/g,
  ];
  for (const re of patterns) {
    for (const m of code.matchAll(re)) {
      const spec = m[1] as string;
      if (spec.startsWith('node:') || spec.startsWith('.') || spec.startsWith('/')) continue;
      found.add(spec);
    }
  }
  return [...found].sort();
}
