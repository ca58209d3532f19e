import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The state machine definition, as deployed (with `${…Arn}` placeholders Step Functions substitutes). */
export type AslDefinition = { StartAt: string; States: Record<string, AslState>; Comment?: string; TimeoutSeconds?: number };
export type AslState = { Type: string; Resource?: string; Parameters?: unknown; Retry?: unknown[]; Next?: string; End?: boolean } & Record<string, unknown>;

export const aslPath = (): string => fileURLToPath(new URL('../../asl/load.asl.json', import.meta.url));

export function readAsl(path = aslPath()): AslDefinition {
  return JSON.parse(readFileSync(path, 'utf8')) as AslDefinition;
}

/**
 * The serverless.yml function a Task's placeholder names: `${LoadClaimFilesArn}` → `load-claim-files`.
 * serverless.yml passes each as a DefinitionSubstitution (Fn::GetAtt of that function's Arn), and
 * the embedded engine binds the Task to the local function of the same name.
 */
export function functionOfResource(resource: string): string {
  const m = /^\$\{([A-Z][A-Za-z0-9]*)Arn\}$/.exec(resource);
  if (!m) throw new Error(`Task Resource ${resource} is not a \${<Function>Arn} placeholder`);
  return (m[1] as string).replace(/[A-Z]/g, (c, i: number) => `${i === 0 ? '' : '-'}${c.toLowerCase()}`);
}

/** The placeholder's substitution key: `${LoadClaimFilesArn}` → `LoadClaimFilesArn`. */
export function substitutionKey(resource: string): string {
  return resource.slice(2, -1);
}

/** Every Task state (this machine has no Map/Parallel, whose nested states would need a walk). */
export function taskStates(asl: AslDefinition): [string, AslState][] {
  return Object.entries(asl.States).filter(([, s]) => s.Type === 'Task');
}
