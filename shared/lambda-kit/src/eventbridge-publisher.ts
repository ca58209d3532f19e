import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { DetailInputOf, EventContract } from '@clickstream/contracts';
import { validatedDetail, type EventPublisher } from './publisher.js';

/** AWS adapter of EventPublisher: PutEvents on the custom bus. */
export class EventBridgePublisher implements EventPublisher {
  constructor(
    private readonly busName: string,
    private readonly client: EventBridgeClient = new EventBridgeClient({}),
  ) {}

  async publish<C extends EventContract>(contract: C, detail: DetailInputOf<C>): Promise<void> {
    const out = await this.client.send(
      new PutEventsCommand({
        Entries: [
          {
            EventBusName: this.busName,
            Source: contract.source,
            DetailType: contract.detailType,
            Detail: JSON.stringify(validatedDetail(contract, detail)),
          },
        ],
      }),
    );
    // PutEvents answers 200 even when an entry is rejected; the failure is only in the body.
    if (out.FailedEntryCount) {
      const entry = out.Entries?.find((e) => e.ErrorCode);
      throw new Error(`PutEvents rejected ${contract.detailType}: ${entry?.ErrorCode} ${entry?.ErrorMessage}`);
    }
  }
}
