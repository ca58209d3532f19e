/** Thrown for a malformed pattern; the message names the offending path so a YAML typo is easy to find. */
export class EventPatternError extends Error {
  constructor(
    readonly path: string,
    reason: string,
  ) {
    super(`invalid event pattern at ${path || '<root>'}: ${reason}`);
    this.name = 'EventPatternError';
  }
}
