import { ExecutionAlreadyExists, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import type { Logger } from '@clickstream/lambda-kit';
import type { LoadInput, LoadLauncher } from '../../ports/load-launcher.js';

/**
 * StartExecution of the load state machine. The execution name is the chain id (plus `-g<n>` for
 * a child), so a redelivered trigger or a retried ContinueInChild starts nothing twice.
 */
export class SfnLoadLauncher implements LoadLauncher {
  constructor(
    private readonly stateMachineArn: string,
    private readonly logger: Pick<Logger, 'info'>,
    private readonly client: SFNClient = new SFNClient({}),
  ) {}

  async start(input: LoadInput, reason: string): Promise<void> {
    const name = input.generation === 0 ? input.chainId : `${input.chainId}-g${input.generation}`;
    try {
      const out = await this.client.send(
        new StartExecutionCommand({ stateMachineArn: this.stateMachineArn, name: name.slice(0, 80), input: JSON.stringify(input) }),
      );
      this.logger.info('load execution started', { executionArn: out.executionArn, reason });
    } catch (error) {
      if (!(error instanceof ExecutionAlreadyExists)) throw error;
      this.logger.info('load execution already started', { name, reason });
    }
  }
}
