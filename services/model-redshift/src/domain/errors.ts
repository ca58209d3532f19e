// Errors a load step throws on purpose. Their `name` is what Step Functions matches in Retry and
// Catch (the Lambda error type), so each has a fixed one.

/** A COPY or MERGE statement failed in the engine: the batch fails, its files are retried later. */
export class StatementFailed extends Error {
  constructor(
    readonly step: 'copy' | 'merge',
    message: string,
  ) {
    super(`${step.toUpperCase()} failed: ${message}`);
    this.name = step === 'copy' ? 'CopyFailed' : 'MergeFailed';
  }
}

/** A statement ran past STATEMENT_TIMEOUT_SECONDS. */
export class StatementTimeout extends Error {
  constructor(step: 'copy' | 'merge', seconds: number) {
    super(`${step.toUpperCase()} still running after ${seconds} s`);
    this.name = 'StatementTimeout';
  }
}

/** The table's lease expired and someone else took it: this execution must stop touching files. */
export class LeaseLost extends Error {
  constructor(table: string, owner: string) {
    super(`load chain ${owner} lost the lease on ${table}`);
    this.name = 'LeaseLost';
  }
}

/** `CopyFailed` → `COPY_FAILED`, `States.Timeout` → `STATES_TIMEOUT`: the contract's error code. */
export function errorCode(name: string): string {
  const code = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_|_$/g, '')
    .toUpperCase();
  return code || 'UNKNOWN';
}

/**
 * The message of a caught error: Step Functions puts a Lambda error's JSON (`errorMessage`, …) in
 * Cause; other errors (and the local engine) put the message itself.
 */
export function causeMessage(cause: unknown): string {
  if (typeof cause !== 'string') return '';
  try {
    const parsed: unknown = JSON.parse(cause);
    if (parsed && typeof parsed === 'object' && 'errorMessage' in parsed && typeof parsed.errorMessage === 'string') return parsed.errorMessage;
  } catch {
    // not JSON: the cause is the message
  }
  return cause;
}
