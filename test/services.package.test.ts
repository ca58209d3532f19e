// Checks the packaged CloudFormation of every service against the event contracts, the embedded
// runtime's reading of the same serverless.yml, least-privilege IAM and the bundle budgets.
// Runs after `npm run package` (reads services/*/.serverless/).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { TableName, WarehouseTables, allContracts, type BusEvent, type EventContract } from '@clickstream/contracts';
import { matchesPattern, readServiceManifest, type EventPattern } from '@clickstream/runtime';
import {
  ZIP_BUDGETS,
  BUNDLE_BUDGETS,
  asArray,
  eventRules,
  functionPackages,
  getAtt,
  grants,
  isRecord,
  listServices,
  policyStatements,
  readTemplate,
  readZip,
  repoRoot,
  runtimeImports,
  serviceDir,
  statementProblems,
  type CfnTemplate,
  type RuleView,
} from '../scripts/template-check.js';

const services = listServices();
const templates = new Map<string, CfnTemplate>(services.map((s) => [s, readTemplate(s)]));
const template = (service: string): CfnTemplate => {
  const t = templates.get(service);
  assert.ok(t, `no packaged template for service ${service}`);
  return t;
};
const contracts: readonly EventContract[] = allContracts;
const byDetailType = new Map(contracts.map((c) => [c.detailType, c]));

/** The envelope EventBridge would deliver for a contract's example. */
function envelope(c: EventContract): BusEvent {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': c.detailType,
    source: c.source,
    account: '123456789012',
    time: '2026-11-29T10:00:00Z',
    region: 'us-east-1',
    resources: [],
    detail: c.example,
  };
}

const strings = (v: unknown): string[] => asArray(v as string | string[] | undefined).filter((x) => typeof x === 'string');
const isOurs = (rule: RuleView) => strings(rule.pattern?.source).some((s) => s.startsWith('clickstream.'));
const rulesOf = (service: string) => eventRules(template(service)).map((rule) => ({ service, rule }));
const allRules = services.flatMap(rulesOf);

// The bus console-api creates; consumers must subscribe on exactly that one.
const busResource = Object.values(template('console-api').Resources).find((r) => r.Type === 'AWS::Events::EventBus');
const busName = busResource?.Properties?.Name;

/** The bus name a rule's EventBusName resolves to (GetAtt Name of a bus in the same template). */
function resolvedBusName(t: CfnTemplate, value: unknown): unknown {
  const att = getAtt(value);
  if (att && att[1] === 'Name' && t.Resources[att[0]]?.Type === 'AWS::Events::EventBus') {
    return t.Resources[att[0]]?.Properties?.Name;
  }
  return value;
}

describe('event rules match the contracts they name', () => {
  it('console-api owns the Clickstream bus', () => {
    assert.equal(typeof busName, 'string');
  });

  for (const { service, rule } of allRules.filter(({ rule }) => rule.pattern && isOurs(rule))) {
    const pattern = rule.pattern as EventPattern;
    const sources = strings(pattern.source);
    const detailTypes = strings(pattern['detail-type']);
    const named = detailTypes.map((d) => byDetailType.get(d));

    it(`${service}: ${String(rule.name)} listens on the Clickstream bus`, () => {
      assert.equal(resolvedBusName(template(service), rule.eventBusName), busName);
    });

    it(`${service}: ${String(rule.name)} names only known contracts, with their sources`, () => {
      assert.ok(detailTypes.length > 0, 'a rule on the Clickstream bus must name its detail-types');
      assert.ok(sources.every((s) => s.startsWith('clickstream.')), `mixed sources ${sources.join(', ')}`);
      detailTypes.forEach((detailType, i) => {
        const contract = named[i];
        assert.ok(contract, `detail-type ${detailType} is not a contract in allContracts`);
        assert.ok(
          sources.includes(contract.source),
          `${detailType} is published by ${contract.source}, which the pattern's sources ${JSON.stringify(sources)} miss`,
        );
      });
    });

    it(`${service}: ${String(rule.name)} matches each named contract's example and nothing else`, () => {
      for (const contract of contracts) {
        const expected = detailTypes.includes(contract.detailType);
        assert.equal(
          matchesPattern(pattern, envelope(contract)),
          expected,
          `${contract.detailType} example ${expected ? 'does not match' : 'unexpectedly matches'} ${JSON.stringify(pattern)}`,
        );
      }
    });
  }
});

describe('the embedded runtime reads the same rules and schedules as CloudFormation', () => {
  const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (isRecord(x) ? Object.fromEntries(Object.entries(x).sort()) : x));

  for (const service of services) {
    it(`${service}: patterns and schedule expressions agree`, () => {
      const manifest = readServiceManifest(serviceDir(service));
      const rules = eventRules(template(service));
      assert.deepEqual(
        manifest.functions.flatMap((f) => f.eventRules.map((r) => canonical(r.pattern))).sort(),
        rules.filter((r) => r.pattern).map((r) => canonical(r.pattern)).sort(),
      );
      assert.deepEqual(
        manifest.functions.flatMap((f) => f.schedules.map((s) => s.expression)).sort(),
        rules.filter((r) => r.schedule !== undefined).map((r) => r.schedule).sort(),
      );
    });

    it(`${service}: inline \${param:…} fallbacks equal params.default`, () => {
      const text = readFileSync(join(serviceDir(service), 'serverless.yml'), 'utf8');
      const defaults = (parseYaml(text) as { params?: { default?: Record<string, unknown> } }).params?.default ?? {};
      for (const m of text.matchAll(/\$\{param:(\w+),\s*'([^']*)'\}/g)) {
        const [, name, fallback] = m as unknown as [string, string, string];
        assert.equal(String(defaults[name]), fallback, `params.default.${name} and the inline fallback of \${param:${name}} differ`);
      }
    });
  }
});

describe('every rule target retries and has a dead-letter queue', () => {
  const sample = { 'AWS::Partition': 'aws', 'AWS::Region': 'us-east-1', 'AWS::AccountId': '123456789012' };
  const sub = (v: unknown) => {
    const text = isRecord(v) && typeof v['Fn::Sub'] === 'string' ? v['Fn::Sub'] : typeof v === 'string' ? v : undefined;
    return text?.replace(/\$\{(AWS::\w+)\}/g, (_m, p: keyof typeof sample) => sample[p] ?? _m);
  };
  const arnLike = (glob: string, arn: string) =>
    new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`).test(arn);

  for (const { service, rule } of allRules) {
    it(`${service}: ${String(rule.name ?? rule.logicalId)}`, () => {
      const t = template(service);
      assert.ok(rule.targets.length > 0, 'rule without targets');
      for (const target of rule.targets) {
        assert.equal(typeof target.RetryPolicy?.MaximumRetryAttempts, 'number', `${target.Id}: RetryPolicy.MaximumRetryAttempts`);
        assert.equal(typeof target.RetryPolicy?.MaximumEventAgeInSeconds, 'number', `${target.Id}: RetryPolicy.MaximumEventAgeInSeconds`);
        const dlq = getAtt(target.DeadLetterConfig?.Arn);
        assert.ok(dlq && dlq[1] === 'Arn', `${target.Id}: DeadLetterConfig.Arn must be a queue of this stack`);
        assert.equal(t.Resources[dlq[0]]?.Type, 'AWS::SQS::Queue');

        // EventBridge can only dead-letter into the queue if its policy admits this rule's ARN.
        const bus = resolvedBusName(t, rule.eventBusName);
        assert.ok(typeof rule.name === 'string', 'rules get explicit names (the DLQ policy matches on them)');
        const ruleArn = `arn:aws:events:us-east-1:123456789012:rule/${typeof bus === 'string' ? `${bus}/` : ''}${rule.name}`;
        const admitted = policyStatements(t).some(({ kind, statement }) => {
          if (kind !== 'resource' || statement.Effect !== 'Allow') return false;
          const principal = isRecord(statement.Principal) ? strings(statement.Principal.Service) : [];
          const onQueue = asArray(statement.Resource).some((r) => getAtt(r)?.[0] === dlq[0]);
          const condition = isRecord(statement.Condition) && isRecord(statement.Condition.ArnLike) ? statement.Condition.ArnLike : {};
          const globs = asArray(condition['aws:SourceArn']).map(sub).filter((g): g is string => typeof g === 'string');
          return (
            principal.includes('events.amazonaws.com') &&
            strings(statement.Action).includes('sqs:SendMessage') &&
            onQueue &&
            globs.some((g) => arnLike(g, ruleArn))
          );
        });
        assert.ok(admitted, `the policy of ${dlq[0]} does not let ${ruleArn} send dead letters`);

        // After EventBridge hands the event over, Lambda's async retries apply: failures must land too.
        const fn = getAtt(target.Arn);
        assert.ok(fn && t.Resources[fn[0]]?.Type === 'AWS::Lambda::Function', `${target.Id}: target is not a function of this stack`);
        const invokeConfig = Object.values(t.Resources).find(
          (r) => r.Type === 'AWS::Lambda::EventInvokeConfig' && isRecord(r.Properties?.FunctionName) && r.Properties.FunctionName.Ref === fn[0],
        );
        const onFailure = (invokeConfig?.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } } | undefined)?.OnFailure;
        assert.ok(onFailure?.Destination, `${fn[0]} has no async on-failure destination`);
      }
    });
  }
});

describe('whoever a contract names as producer may publish it', () => {
  const consumed = new Set(
    allRules.flatMap(({ rule }) => (rule.pattern && isOurs(rule) ? strings(rule.pattern['detail-type']) : [])),
  );
  const isTheBus = (t: CfnTemplate, resource: unknown) => {
    const att = getAtt(resource);
    if (att) return att[1] === 'Arn' && t.Resources[att[0]]?.Type === 'AWS::Events::EventBus';
    const text = isRecord(resource) ? resource['Fn::Sub'] : resource;
    return typeof text === 'string' && text.endsWith(`:event-bus/${String(busName)}`);
  };

  it('some contract is consumed at all', () => assert.ok(consumed.size > 0));

  for (const contract of contracts) {
    it(`${contract.detailType} (${consumed.has(contract.detailType) ? 'consumed' : 'not consumed yet'}) from ${contract.producer}`, () => {
      assert.ok(services.includes(contract.producer), `producer ${contract.producer} is not a service`);
      assert.equal(contract.source, `clickstream.${contract.producer}`, 'source must be clickstream.<producer>');
      const t = template(contract.producer);
      const onBus = grants(t, 'events:PutEvents').some((s) => asArray(s.statement.Resource).some((r) => isTheBus(t, r)));
      assert.ok(onBus, `${contract.producer} is not allowed events:PutEvents on the Clickstream bus`);
    });
  }
});

describe('IAM is least privilege', () => {
  for (const service of services) {
    it(`${service}: no wildcard actions, no '*' resources outside the allowlist`, () => {
      assert.deepEqual(policyStatements(template(service)).flatMap(statementProblems), []);
    });
  }
});

describe('function bundles', () => {
  for (const service of services) {
    it(`${service}: one ESM zip per function, node20/arm64, MODE=aws, no DuckDB`, () => {
      const t = template(service);
      const packages = new Map(functionPackages(service).map((p) => [p.function, p]));
      const functions = Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
      assert.ok(functions.length > 0);
      for (const fn of functions) {
        const p = fn.Properties ?? {};
        const key = (p.Code as { S3Key?: string } | undefined)?.S3Key ?? '';
        const pkg = packages.get(key.slice(key.lastIndexOf('/') + 1).replace(/\.zip$/, ''));
        assert.ok(pkg, `${String(p.FunctionName)}: no zip for ${key}`);
        assert.equal(p.Runtime, 'nodejs20.x');
        assert.deepEqual(p.Architectures, ['arm64']);
        assert.equal((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables?.MODE, 'aws');
        const handler = String(p.Handler);
        const entryName = `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`;
        const entry = readZip(pkg.zip).find((e) => e.name === entryName);
        assert.ok(entry, `${pkg.function}: ${entryName} (the handler's module) is not in the zip`);
        const imports = runtimeImports(entry.read().toString('utf8'));
        assert.ok(!imports.some((m) => m.startsWith('@duckdb/')), `${pkg.function} imports DuckDB at runtime`);
      }
    });
  }

  // Import each bundle the way Lambda's nodejs20.x runtime does (an ES module, from the unzipped
  // package, without the repo's node_modules) with the function's environment: catches ESM/CJS interop
  // breakage (`Dynamic require of … is not supported`), missing files and eager config failures.
  for (const service of services) {
    it(`${service}: every bundle loads under node ${process.versions.node} and exports handler`, () => {
      const t = template(service);
      for (const fn of Object.values(t.Resources).filter((r) => r.Type === 'AWS::Lambda::Function')) {
        const p = fn.Properties ?? {};
        const key = (p.Code as { S3Key?: string } | undefined)?.S3Key ?? '';
        const pkg = functionPackages(service).find((x) => key.endsWith(`/${x.function}.zip`));
        assert.ok(pkg, `no zip for ${key}`);
        const dir = mkdtempSync(join(tmpdir(), `clickstream-${service}-${pkg.function}-`));
        try {
          for (const entry of readZip(pkg.zip)) {
            mkdirSync(dirname(join(dir, entry.name)), { recursive: true });
            writeFileSync(join(dir, entry.name), entry.read());
          }
          // Lambda's runtime provides AWS SDK v3 (kept out of the bundles); stand in the repo's copy.
          mkdirSync(join(dir, 'node_modules'));
          symlinkSync(join(repoRoot, 'node_modules', '@aws-sdk'), join(dir, 'node_modules', '@aws-sdk'), 'dir');
          const handler = String(p.Handler);
          const module = join(dir, `${handler.slice(0, handler.lastIndexOf('.'))}.mjs`);
          const exported = handler.slice(handler.lastIndexOf('.') + 1);
          const variables = (p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ?? {};
          const env: Record<string, string> = {
            PATH: process.env.PATH ?? '',
            AWS_REGION: 'us-east-1',
            POWERTOOLS_LOG_LEVEL: 'SILENT',
            // Intrinsics (Ref, Fn::Sub, …) only resolve on deploy: stand in a plausible value.
            ...Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, typeof v === 'string' || typeof v === 'number' ? String(v) : `placeholder-${k.toLowerCase()}`])),
          };
          const run = spawnSync(
            process.execPath,
            ['--input-type=module', '-e', `const m = await import(${JSON.stringify(pathToFileURL(module).href)}); if (typeof m[${JSON.stringify(exported)}] !== 'function') { console.error('no function export ${exported}'); process.exit(3); }`],
            { cwd: dir, env, encoding: 'utf8', timeout: 30_000 },
          );
          assert.equal(run.status, 0, `${pkg.function}: importing the bundle failed:\n${run.stderr}`);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }
    });
  }

  for (const [name, budget] of Object.entries(ZIP_BUDGETS)) {
    it(`${name} zip stays within ${budget / 1024} KB`, () => {
      const [service, fn] = name.split('/') as [string, string];
      const pkg = functionPackages(service).find((p) => p.function === fn);
      assert.ok(pkg, `no zip for ${name}`);
      assert.ok(pkg.bytes <= budget, `${name}.zip is ${(pkg.bytes / 1024).toFixed(1)} KB (budget ${budget / 1024} KB)`);
    });
  }

  for (const [name, budget] of Object.entries(BUNDLE_BUDGETS)) {
    it(`${name} bundle stays within ${budget / 1024} KB minified`, () => {
      const [service, fn] = name.split('/') as [string, string];
      const pkg = functionPackages(service).find((p) => p.function === fn);
      assert.ok(pkg, `no zip for ${name}`);
      assert.ok(pkg.bundleBytes <= budget, `${name} is ${(pkg.bundleBytes / 1024).toFixed(1)} KB minified (budget ${budget / 1024} KB)`);
    });
  }
});

describe('the Glue tables follow the warehouse contract', () => {
  const t = template('model-athena');
  const glueTables = new Map(
    Object.values(t.Resources)
      .filter((r) => r.Type === 'AWS::Glue::Table')
      .map((r) => {
        const input = r.Properties?.TableInput as {
          Name: string;
          PartitionKeys: { Name: string; Type: string }[];
          StorageDescriptor: { Columns: { Name: string; Type: string }[] };
        };
        return [input.Name, input];
      }),
  );
  const shape = (cols: readonly { Name?: string; Type?: string; name?: string; type?: string }[]) =>
    cols.map((c) => `${c.Name ?? c.name} ${c.Type ?? c.type}`);

  it('every warehouse table has a Glue table', () => {
    assert.deepEqual([...glueTables.keys()].sort(), [...TableName.options].sort());
  });

  for (const spec of Object.values(WarehouseTables)) {
    it(`${spec.name}: columns and partition keys`, () => {
      const glue = glueTables.get(spec.name);
      assert.ok(glue, `no Glue table ${spec.name}`);
      assert.deepEqual(shape(glue.StorageDescriptor.Columns), shape(spec.columns));
      assert.deepEqual(shape(glue.PartitionKeys), shape(spec.partitionKeys));
    });
  }
});

describe('serverless-compose.yml wiring', () => {
  interface ComposeService {
    path: string;
    dependsOn?: string[];
    params?: Record<string, string>;
  }
  const compose = parseYaml(readFileSync(join(repoRoot, 'serverless-compose.yml'), 'utf8')) as {
    services: Record<string, ComposeService>;
  };

  it('lists every service', () => {
    assert.deepEqual(Object.keys(compose.services).sort(), services);
  });

  for (const [name, svc] of Object.entries(compose.services)) {
    it(`${name}: params name real params and real outputs of its dependencies`, () => {
      assert.ok(existsSync(join(repoRoot, svc.path, 'serverless.yml')), `${svc.path}/serverless.yml`);
      const own = parseYaml(readFileSync(join(repoRoot, svc.path, 'serverless.yml'), 'utf8')) as {
        params?: { default?: Record<string, unknown> };
      };
      for (const [param, value] of Object.entries(svc.params ?? {})) {
        assert.ok(param in (own.params?.default ?? {}), `${name} has no params.default.${param} (typo?)`);
        const ref = /^\$\{([\w-]+)\.(\w+)\}$/.exec(value);
        if (!ref) continue;
        const [, from, output] = ref as unknown as [string, string, string];
        assert.ok((svc.dependsOn ?? []).includes(from), `${name} uses ${from}'s output without dependsOn`);
        assert.ok(template(from).Outputs?.[output], `${from} has no output ${output}`);
      }
    });
  }
});
