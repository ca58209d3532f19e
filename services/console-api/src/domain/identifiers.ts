import { randomBytes } from 'node:crypto';

/** Letters without accents, lower case, runs of anything else collapsed into `sep`. */
export function slug(text: string, sep: '_' | '-'): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, sep)
    .replace(new RegExp(`^\\${sep}+|\\${sep}+$`, 'g'), '');
}

/**
 * Ids to try, best first, for something named `name`: the readable slug, then `_2` … `_9`, then a
 * random suffix (a crowd of same-named things must not make creation fail).
 */
export function idCandidates(base: string, sep: '_' | '-', maxLength: number): string[] {
  const fit = (suffix: string) => `${base.slice(0, maxLength - suffix.length).replace(new RegExp(`\\${sep}+$`), '')}${suffix}`;
  const out = [fit('')];
  for (let i = 2; i <= 9; i++) out.push(fit(`${sep}${i}`));
  for (let i = 0; i < 3; i++) out.push(fit(`${sep}${randomBytes(4).toString('hex')}`));
  return out;
}

/** A readable app id: `<project>_<name>` (`shop` + `Web` → `shop_web`), unless the name already starts with the project. */
export function appIdBase(projectId: string, name: string): string {
  const project = slug(projectId, '_');
  const own = slug(name, '_') || 'app';
  return own === project || own.startsWith(`${project}_`) ? own : `${project}_${own}`;
}

export function projectIdBase(name: string): string {
  return slug(name, '-') || 'project';
}
