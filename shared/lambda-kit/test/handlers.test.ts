import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppRegistered, ProcessingCompleted, type BusEvent } from '@clickstream/contracts';
import type { APIGatewayProxyEventV2, Context } from 'aws-lambda';
import { badRequest, ContractViolation, serviceUnavailable } from '../src/errors.js';
import { batchHandler } from '../src/batch.js';
import { eventHandler } from '../src/events.js';
import { httpHandler, json } from '../src/http.js';
import { createLogger } from '../src/logger.js';

const logger = createLogger('test');
const context = { awsRequestId: 'req-1', functionName: 'fn', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const request = { rawPath: '/x', requestContext: { http: { method: 'GET' } } } as unknown as APIGatewayProxyEventV2;

function busEvent(detailType: string, source: string, detail: unknown): BusEvent<unknown> {
  return { version: '0', id: 'e-1', 'detail-type': detailType, source, account: '1', time: '2026-11-29T00:00:00Z', region: 'r', resources: [], detail };
}

describe('httpHandler', () => {
  it('passes a successful response through unchanged', async () => {
    const h = httpHandler(logger, async () => json(201, { ok: true }));
    const res = await h(request, context);
    assert.equal(res.statusCode, 201);
    assert.deepEqual(JSON.parse(String(res.body)), { ok: true });
  });

  it('turns an AppError into its status with a JSON code, message and the request id', async () => {
    const h = httpHandler(logger, async () => {
      throw badRequest('BAD_THING', 'That is bad.', { field: 'x' });
    });
    const res = await h(request, context);
    assert.equal(res.statusCode, 400);
    assert.deepEqual(JSON.parse(String(res.body)), {
      error: { code: 'BAD_THING', message: 'That is bad.', requestId: 'req-1', details: { field: 'x' } },
    });
  });

  it('answers 500 for an unexpected error without leaking its message or stack', async () => {
    const h = httpHandler(logger, async () => {
      throw new Error('secret database password in message');
    });
    const res = await h(request, context);
    assert.equal(res.statusCode, 500);
    assert.doesNotMatch(String(res.body), /secret|at .*:\d+/);
    assert.equal(JSON.parse(String(res.body)).error.requestId, 'req-1');
  });

  it('shows the message of a deliberate 503 but keeps its cause for the logs', async () => {
    const h = httpHandler(logger, async () => {
      throw serviceUnavailable('SINK_DOWN', 'Retry later.', new Error('EIO on /dev/sda'));
    });
    const res = await h(request, context);
    assert.equal(res.statusCode, 503);
    assert.doesNotMatch(String(res.body), /EIO/);
  });
});

describe('eventHandler', () => {
  it('hands the parsed detail, narrowed by detail-type, to the function', async () => {
    const seen: string[] = [];
    const h = eventHandler(logger, [AppRegistered, ProcessingCompleted], async (d) => {
      if (d.detailType === 'AppRegistered.v1') seen.push(d.detail.appId);
      else seen.push(d.detail.jobId);
    });
    await h(busEvent('AppRegistered.v1', AppRegistered.source, AppRegistered.example), context);
    await h(busEvent('ProcessingCompleted.v1', ProcessingCompleted.source, ProcessingCompleted.example), context);
    assert.deepEqual(seen, ['shop_web', ProcessingCompleted.example.jobId]);
  });

  it('throws a ContractViolation for a detail that breaks the contract, so the delivery lands in the DLQ', async () => {
    let called = false;
    const h = eventHandler(logger, [AppRegistered], async () => {
      called = true;
    });
    await assert.rejects(h(busEvent('AppRegistered.v1', AppRegistered.source, { appId: 'x' }), context), ContractViolation);
    assert.equal(called, false);
  });

  it('refuses an event from the wrong source even when the detail-type matches', async () => {
    const h = eventHandler(logger, [AppRegistered], async () => undefined);
    await assert.rejects(h(busEvent('AppRegistered.v1', 'evil.source', AppRegistered.example), context), ContractViolation);
  });
});

describe('batchHandler', () => {
  const records = ['a', 'b', 'c'].map((id) => ({ messageId: id }));

  it('reports only the records that failed, and processes the others', async () => {
    const done: string[] = [];
    const h = batchHandler<{ messageId: string }>(logger, async (r) => {
      if (r.messageId === 'b') throw new Error('boom');
      done.push(r.messageId);
    });
    const res = await h({ Records: records }, context);
    assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: 'b' }]);
    assert.deepEqual(done, ['a', 'c']);
  });

  it('in ordered mode (Kinesis) reports everything from the first failure on, unprocessed', async () => {
    const done: string[] = [];
    const kinesis = ['1', '2', '3'].map((s) => ({ kinesis: { sequenceNumber: s } }));
    const h = batchHandler<{ kinesis: { sequenceNumber: string } }>(
      logger,
      async (r) => {
        if (r.kinesis.sequenceNumber === '2') throw new Error('boom');
        done.push(r.kinesis.sequenceNumber);
      },
      { ordered: true },
    );
    const res = await h({ Records: kinesis }, context);
    assert.deepEqual(res.batchItemFailures, [{ itemIdentifier: '2' }, { itemIdentifier: '3' }]);
    assert.deepEqual(done, ['1']);
  });
});
