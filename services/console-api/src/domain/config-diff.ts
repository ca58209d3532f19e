/** One difference between two JSON values, at a dotted path (`process.plugins.0.options.keys`). */
export interface Change {
  path: string;
  op: 'added' | 'removed' | 'changed';
  before?: unknown;
  after?: unknown;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Field-by-field differences; arrays compare by position (order matters for enrichers and plugins). */
export function diffJson(before: unknown, after: unknown, path: string[] = []): Change[] {
  const at = path.join('.');
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => {
      if (!(k in after)) return [{ path: [...path, k].join('.'), op: 'removed' as const, before: before[k] }];
      if (!(k in before)) return [{ path: [...path, k].join('.'), op: 'added' as const, after: after[k] }];
      return diffJson(before[k], after[k], [...path, k]);
    });
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: Change[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) {
      const p = [...path, String(i)].join('.');
      if (i >= after.length) out.push({ path: p, op: 'removed', before: before[i] });
      else if (i >= before.length) out.push({ path: p, op: 'added', after: after[i] });
      else out.push(...diffJson(before[i], after[i], [...path, String(i)]));
    }
    return out;
  }
  return Object.is(before, after) ? [] : [{ path: at, op: 'changed', before, after }];
}
