// The state machine definition against serverless.yml and the local binding: every Task calls a
// function this service declares, through a substitution CloudFormation fills, and the roles allow
// exactly those calls.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { parse } from 'yaml';
import { functionOfResource, readAsl, substitutionKey, taskStates } from '../src/domain/asl.js';
import { loadTaskFunctions } from '../src/local.js';

interface Manifest {
  functions: Record<string, { handler: string; events?: unknown[] }>;
  resources: { Resources: Record<string, { Type: string; Properties: Record<string, unknown> }> };
}

const manifest = parse(readFileSync(fileURLToPath(new URL('../serverless.yml', import.meta.url)), 'utf8')) as Manifest;
const asl = readAsl();
const machine = manifest.resources.Resources.LoadStateMachine!;
const substitutions = machine.Properties.DefinitionSubstitutions as Record<string, { 'Fn::GetAtt': [string, string] }>;

/** osls's logical id of a function: `load-claim-files` → `LoadDashclaimDashfilesLambdaFunction`. */
const logicalId = (fn: string) => {
  const [first = '', ...rest] = fn.split('-');
  return `${first[0]!.toUpperCase()}${first.slice(1)}${rest.map((p) => `Dash${p}`).join('')}LambdaFunction`;
};

describe('load state machine definition', () => {
  it('is deployed from the ASL file itself', () => {
    assert.equal(machine.Type, 'AWS::StepFunctions::StateMachine');
    assert.equal(machine.Properties.Definition, '${file(./asl/load.asl.json)}');
  });

  it('every Task Resource is a placeholder for a function declared in serverless.yml, filled by its own Arn', () => {
    const tasks = taskStates(asl);
    assert.ok(tasks.length >= 10);
    for (const [name, state] of tasks) {
      const resource = String(state.Resource);
      const fn = functionOfResource(resource);
      assert.ok(manifest.functions[fn], `${name}: ${resource} names ${fn}, which serverless.yml does not declare`);
      assert.equal(manifest.functions[fn].handler, `src/handlers/${fn}.handler`);
      assert.deepEqual(substitutions[substitutionKey(resource)], { 'Fn::GetAtt': [logicalId(fn), 'Arn'] }, `${name}: DefinitionSubstitutions.${substitutionKey(resource)}`);
      assert.equal(manifest.functions[fn].events, undefined, `${fn} is called by Step Functions only`);
      assert.ok(state.Parameters && typeof state.Parameters === 'object', `${name}: Parameters shape the function's input`);
    }
  });

  it('substitutions, the role and the local binding cover exactly the Task functions', () => {
    const fromAsl = new Set(taskStates(asl).map(([, s]) => functionOfResource(String(s.Resource))));
    assert.deepEqual(new Set(Object.keys(substitutions).map((k) => functionOfResource(`\${${k}}`))), fromAsl);
    assert.deepEqual(new Set(Object.keys(loadTaskFunctions)), fromAsl);
    const role = manifest.resources.Resources.LoadStateMachineRole!.Properties as {
      Policies: { PolicyDocument: { Statement: { Action: string[]; Resource: { 'Fn::GetAtt': [string, string] }[] }[] } }[];
    };
    const [statement, ...others] = role.Policies.flatMap((p) => p.PolicyDocument.Statement);
    assert.equal(others.length, 0);
    assert.deepEqual(statement!.Action, ['lambda:InvokeFunction']);
    assert.deepEqual(new Set(statement!.Resource.map((r) => r['Fn::GetAtt'][0])), new Set([...fromAsl].map(logicalId)));
  });

  it('every transition names a state, every state is reachable, and Step Functions validation accepts it', () => {
    const names = new Set(Object.keys(asl.States));
    const targets = (s: Record<string, unknown>): string[] => [
      ...(typeof s.Next === 'string' ? [s.Next] : []),
      ...(typeof s.Default === 'string' ? [s.Default] : []),
      ...((s.Choices as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
      ...((s.Catch as { Next: string }[] | undefined) ?? []).map((c) => c.Next),
    ];
    const seen = new Set<string>();
    const queue = [asl.StartAt];
    while (queue.length > 0) {
      const name = queue.shift()!;
      if (seen.has(name)) continue;
      assert.ok(names.has(name), `transition to unknown state ${name}`);
      seen.add(name);
      queue.push(...targets(asl.States[name]!));
    }
    assert.deepEqual([...names].filter((n) => !seen.has(n)), [], 'unreachable states');
    const concrete = structuredClone(asl);
    for (const [, s] of taskStates(concrete)) s.Resource = 'arn:aws:lambda:us-east-1:123456789012:function:f';
    assert.doesNotThrow(() => new StateMachine(concrete as unknown as StateMachineDefinition));
  });

  it('every Task retries Lambda service errors and every work step is caught', () => {
    for (const [name, state] of taskStates(asl)) {
      const retries = (state.Retry ?? []) as { ErrorEquals: string[] }[];
      assert.ok(retries.some((r) => r.ErrorEquals.includes('Lambda.ServiceException')), `${name} retries Lambda.ServiceException`);
      const fn = functionOfResource(String(state.Resource));
      if (!['load-lease'].includes(fn)) assert.ok(Array.isArray(state.Catch), `${name} has a Catch`);
    }
  });
});
