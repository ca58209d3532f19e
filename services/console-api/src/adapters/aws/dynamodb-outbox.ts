import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { paginateQuery, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod';
import type { Outbox, OutboxMessage, OutboxRecord } from '../../ports/outbox.js';

/*
 * Outbox items in the console's single table:
 *   OUTBOX   <aggregate>#<10-digit seq>   { aggregate, seq, detailType, detail (JSON text), createdAt,
 *                                          attempts, nextAttemptAt?, lastError?, claimedBy?, claimedUntil?,
 *                                          sentAt?, expiresAt? (TTL, set when sent) }
 * The detail is kept as JSON text, so it is published byte for byte as it was built.
 */
const PK = 'OUTBOX';
const seqKey = (seq: number) => String(seq).padStart(10, '0');
const sortKey = (aggregate: string, seq: number) => `${aggregate}#${seqKey(seq)}`;
const key = (r: { aggregate: string; seq: number }) => ({ pk: PK, sk: sortKey(r.aggregate, r.seq) });
/** Sent items stay this long (seconds, DynamoDB TTL), for inspection. */
const SENT_TTL_SECONDS = 7 * 24 * 3_600;

const Item = z.object({
  aggregate: z.string(),
  seq: z.number().int(),
  detailType: z.string(),
  detail: z.string(),
  createdAt: z.string(),
  attempts: z.number().int().default(0),
  nextAttemptAt: z.string().optional(),
  lastError: z.string().optional(),
});

/** The Put of an outbox message, for the TransactWriteItems of the change it announces. */
export function outboxPut(table: string, m: OutboxMessage) {
  return {
    Put: {
      TableName: table,
      Item: { ...key(m), aggregate: m.aggregate, seq: m.seq, detailType: m.detailType, detail: JSON.stringify(m.detail), createdAt: m.createdAt, attempts: 0 },
      // (aggregate, seq) is the change's own revision: an existing one means a bug, not a race to lose quietly.
      ConditionExpression: 'attribute_not_exists(sk)',
    },
  };
}

type TransactItem = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>[number];

/**
 * Writes a change and its outbox message in one TransactWriteItems. False when the change's own
 * condition (the first item) failed: nothing was written. Any other cancellation is an error.
 */
export async function writeWithOutbox(doc: DynamoDBDocumentClient, change: TransactItem, message: TransactItem): Promise<boolean> {
  try {
    await doc.send(new TransactWriteCommand({ TransactItems: [change, message] }));
    return true;
  } catch (error) {
    if (error instanceof TransactionCanceledException) {
      const reasons = error.CancellationReasons ?? [];
      if (reasons[0]?.Code === 'ConditionalCheckFailed' && reasons.slice(1).every((r) => !r.Code || r.Code === 'None')) return false;
      const codes = reasons.map((r) => r.Code ?? 'None').join(', ');
      throw new Error(`the change and its outbox message were not written (${codes})`, { cause: error });
    }
    throw error;
  }
}

async function conditionalUpdate(doc: DynamoDBDocumentClient, input: ConstructorParameters<typeof UpdateCommand>[0]): Promise<boolean> {
  try {
    await doc.send(new UpdateCommand(input));
    return true;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) return false;
    throw error;
  }
}

export class DynamoDbOutbox implements Outbox {
  constructor(
    private readonly table: string,
    private readonly doc: DynamoDBDocumentClient,
  ) {}

  async pending({ aggregate, limit }: { aggregate?: string; limit: number }): Promise<OutboxRecord[]> {
    const input: QueryCommandInput = {
      TableName: this.table,
      KeyConditionExpression: aggregate === undefined ? 'pk = :pk' : 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': PK, ...(aggregate === undefined ? {} : { ':prefix': `${aggregate}#` }) },
      // Sent items linger until their TTL: read past them.
      FilterExpression: 'attribute_not_exists(sentAt)',
      ConsistentRead: true,
    };
    const out: OutboxRecord[] = [];
    for await (const page of paginateQuery({ client: this.doc }, input)) {
      for (const raw of page.Items ?? []) {
        const i = Item.parse(raw);
        out.push({
          aggregate: i.aggregate,
          seq: i.seq,
          detailType: i.detailType,
          detail: JSON.parse(i.detail),
          createdAt: i.createdAt,
          attempts: i.attempts,
          ...(i.nextAttemptAt ? { nextAttemptAt: i.nextAttemptAt } : {}),
          ...(i.lastError ? { lastError: i.lastError } : {}),
        });
        if (out.length >= limit) return out;
      }
    }
    return out;
  }

  claim(r: OutboxRecord, owner: string, now: string, until: string): Promise<boolean> {
    return conditionalUpdate(this.doc, {
      TableName: this.table,
      Key: key(r),
      UpdateExpression: 'SET claimedBy = :owner, claimedUntil = :until',
      ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(sentAt) AND (attribute_not_exists(claimedUntil) OR claimedUntil <= :now)',
      ExpressionAttributeValues: { ':owner': owner, ':until': until, ':now': now },
    });
  }

  async markSent(r: OutboxRecord, sentAt: string): Promise<void> {
    await conditionalUpdate(this.doc, {
      TableName: this.table,
      Key: key(r),
      UpdateExpression: 'SET sentAt = :sentAt, expiresAt = :expiresAt REMOVE claimedBy, claimedUntil',
      ConditionExpression: 'attribute_exists(sk) AND attribute_not_exists(sentAt)',
      ExpressionAttributeValues: { ':sentAt': sentAt, ':expiresAt': Math.floor(Date.parse(sentAt) / 1000) + SENT_TTL_SECONDS },
    });
  }

  async markFailed(r: OutboxRecord, owner: string, f: { attempts: number; error: string; nextAttemptAt: string }): Promise<void> {
    await conditionalUpdate(this.doc, {
      TableName: this.table,
      Key: key(r),
      UpdateExpression: 'SET attempts = :attempts, lastError = :error, nextAttemptAt = :next REMOVE claimedBy, claimedUntil',
      ConditionExpression: 'attribute_not_exists(sentAt) AND claimedBy = :owner',
      ExpressionAttributeValues: { ':attempts': f.attempts, ':error': f.error.slice(0, 2_000), ':next': f.nextAttemptAt, ':owner': owner },
    });
  }

  /** DynamoDB's TTL removes sent items (expiresAt). */
  async prune(): Promise<number> {
    return 0;
  }
}
