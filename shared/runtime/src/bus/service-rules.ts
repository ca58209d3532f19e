import { assertFunctionsDeclared, type ServiceManifest } from '../manifest/service-manifest.js';
import type { BusTarget, LocalEventBus } from './local-event-bus.js';

/**
 * Subscribes every eventBridge rule a serverless.yml declares to the function of the same name,
 * so the embedded bus routes with exactly the patterns deployed to AWS. Returns the rule names.
 * A manifest function without a target, or a target the manifest does not know, is a wiring
 * mistake and throws at start-up rather than silently dropping events.
 */
export function bindServiceRules(
  bus: LocalEventBus,
  manifest: ServiceManifest,
  functions: Readonly<Record<string, BusTarget>>,
): string[] {
  assertFunctionsDeclared(manifest, Object.keys(functions));
  const ruleNames: string[] = [];
  for (const fn of manifest.functions) {
    if (fn.eventRules.length === 0) continue;
    const target = functions[fn.name];
    if (!target) {
      throw new Error(
        `service ${manifest.service}: function ${fn.name} has ${fn.eventRules.length} event rule(s) ` +
          'in serverless.yml but no local target',
      );
    }
    fn.eventRules.forEach((rule, i) => {
      const name = `${manifest.service}.${fn.name}.${i}`;
      bus.subscribe(name, rule.pattern, target, rule.maxRetries === undefined ? {} : { maxRetries: rule.maxRetries });
      ruleNames.push(name);
    });
  }
  return ruleNames;
}
