import type { TableName } from '@clickstream/contracts';

/** What a load execution starts with. */
export interface LoadInput {
  table: TableName;
  /** The lease owner; a child execution continues its parent's chain and so inherits the lease. */
  chainId: string;
  /** Which execution of the chain this is (0 = the first). */
  generation: number;
}

/** Starts the load state machine (Step Functions on AWS, the same ASL in process locally). */
export interface LoadLauncher {
  start(input: LoadInput, reason: string): Promise<void>;
}
