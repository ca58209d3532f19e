import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'node:test';
import type { CloudFormationCustomResourceEvent, Context } from 'aws-lambda';
import { customResourceHandler } from '../src/custom-resource.js';
import { createLogger } from '../src/logger.js';

const logger = createLogger('test');
const context = { awsRequestId: 'req-1', functionName: 'fn', logStreamName: 'stream-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const stackId = 'arn:aws:cloudformation:us-east-1:123456789012:stack/clickstream-model-athena-dev/0a1b2c3d';

function cfnEvent(requestType: 'Create' | 'Update' | 'Delete', url = 'https://example.invalid/response'): CloudFormationCustomResourceEvent {
  const base = {
    ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:deploy-views',
    ResponseURL: url,
    StackId: stackId,
    RequestId: 'cfn-req-1',
    LogicalResourceId: 'AthenaViews',
    ResourceType: 'Custom::AthenaViews',
    ResourceProperties: { ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:deploy-views', DeployedAt: 'x1' },
  };
  if (requestType === 'Create') return { ...base, RequestType: 'Create' };
  if (requestType === 'Update') return { ...base, RequestType: 'Update', PhysicalResourceId: 'AthenaViews-0a1b2c3d', OldResourceProperties: { ServiceToken: 'x' } };
  return { ...base, RequestType: 'Delete', PhysicalResourceId: 'AthenaViews-0a1b2c3d' };
}

function recorder() {
  const sent: { url: string; body: Record<string, unknown> }[] = [];
  return { sent, send: async (url: string, body: string) => void sent.push({ url, body: JSON.parse(body) as Record<string, unknown> }) };
}

describe('customResourceHandler', () => {
  it('applies on Create with the properties minus the service token and answers SUCCESS with its data', async () => {
    const { sent, send } = recorder();
    const seen: unknown[] = [];
    const h = customResourceHandler(logger, { apply: async (props) => (seen.push(props), { Views: 4 }) }, send);
    await h(cfnEvent('Create'), context);
    assert.deepEqual(seen, [{ DeployedAt: 'x1' }]);
    assert.deepEqual(sent, [
      {
        url: 'https://example.invalid/response',
        body: {
          Status: 'SUCCESS',
          Reason: 'See CloudWatch log stream stream-1',
          PhysicalResourceId: 'AthenaViews-0a1b2c3d',
          StackId: stackId,
          RequestId: 'cfn-req-1',
          LogicalResourceId: 'AthenaViews',
          Data: { Views: 4 },
        },
      },
    ]);
  });

  it('keeps the physical id on Update, so CloudFormation does not replace the resource', async () => {
    const { sent, send } = recorder();
    const h = customResourceHandler(logger, { apply: async () => undefined }, send);
    await h(cfnEvent('Update'), context);
    assert.equal(sent[0]!.body.PhysicalResourceId, 'AthenaViews-0a1b2c3d');
    assert.equal(sent[0]!.body.Status, 'SUCCESS');
    assert.equal('Data' in sent[0]!.body, false);
  });

  it('answers FAILED with the error message instead of leaving the stack waiting', async () => {
    const { sent, send } = recorder();
    const h = customResourceHandler(logger, { apply: async () => Promise.reject(new Error('view 003 failed: line 4: column nope cannot be resolved')) }, send);
    await h(cfnEvent('Create'), context);
    assert.equal(sent[0]!.body.Status, 'FAILED');
    assert.equal(sent[0]!.body.Reason, 'view 003 failed: line 4: column nope cannot be resolved');
  });

  it('calls remove on Delete, and succeeds without one', async () => {
    const removed: string[] = [];
    const withRemove = recorder();
    await customResourceHandler(logger, { apply: async () => assert.fail('no apply on delete'), remove: async () => void removed.push('x') }, withRemove.send)(cfnEvent('Delete'), context);
    assert.deepEqual(removed, ['x']);
    assert.equal(withRemove.sent[0]!.body.Status, 'SUCCESS');
    const without = recorder();
    await customResourceHandler(logger, { apply: async () => assert.fail('no apply on delete') }, without.send)(cfnEvent('Delete'), context);
    assert.equal(without.sent[0]!.body.Status, 'SUCCESS');
  });

  it('PUTs the response to the pre-signed URL without a content type by default', async (t) => {
    const received: { method?: string; contentType?: string; body: string }[] = [];
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method, contentType: req.headers['content-type'], body });
        res.end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    t.after(() => server.close());
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/bucket/key?X-Amz-Signature=abc`;
    await customResourceHandler(logger, { apply: async () => undefined })(cfnEvent('Create', url), context);
    assert.equal(received.length, 1);
    assert.equal(received[0]!.method, 'PUT');
    assert.ok(!received[0]!.contentType, `content-type sent: ${received[0]!.contentType}`);
    assert.equal(JSON.parse(received[0]!.body).Status, 'SUCCESS');
  });
});
