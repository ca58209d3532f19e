import { resolveDefaults } from './serverless-variables.js';

/** A serverless.yml the embedded runtime cannot honour; names the file and the YAML path. */
export class ManifestError extends Error {
  constructor(
    readonly source: string,
    readonly path: string,
    reason: string,
  ) {
    super(`${source}: ${path ? `${path}: ` : ''}${reason}`);
    this.name = 'ManifestError';
  }
}

/** Where in which file a value sits, for error messages. */
export interface ManifestContext {
  source: string;
  at: string;
}

/** A string with its Serverless variables replaced by their defaults. */
export function resolveString(value: string, source: string, path: string): string {
  try {
    return resolveDefaults(value, path);
  } catch (err) {
    throw new ManifestError(source, '', (err as Error).message);
  }
}
