import assert from 'node:assert/strict';
import { describe, it, beforeEach } from 'node:test';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { AppRegistered } from '@clickstream/contracts';
import { mockClient } from 'aws-sdk-client-mock';
import { EventBridgePublisher } from '../src/eventbridge-publisher.js';
import { loadConfig } from '../src/config.js';
import * as z from 'zod';

const eventBridge = mockClient(EventBridgeClient);

describe('EventBridgePublisher', () => {
  beforeEach(() => eventBridge.reset());

  it('puts the validated detail on the bus with the contract source and detail-type', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: '1' }] });
    await new EventBridgePublisher('bus-dev', new EventBridgeClient({ region: 'us-east-1' })).publish(AppRegistered, AppRegistered.example);
    const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
    assert.equal(entry?.EventBusName, 'bus-dev');
    assert.equal(entry?.Source, 'clickstream.console-api');
    assert.equal(entry?.DetailType, 'AppRegistered.v1');
    assert.deepEqual(JSON.parse(entry?.Detail ?? '{}'), AppRegistered.example);
  });

  it('throws when PutEvents answers 200 but rejected the entry', async () => {
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'x' }] });
    await assert.rejects(
      new EventBridgePublisher('bus', new EventBridgeClient({ region: 'us-east-1' })).publish(AppRegistered, AppRegistered.example),
      /InternalFailure/,
    );
  });

  it('refuses to publish a detail that breaks the contract, before calling AWS', async () => {
    const bad = { ...AppRegistered.example, appId: 'has spaces' };
    await assert.rejects(new EventBridgePublisher('bus', new EventBridgeClient({ region: 'us-east-1' })).publish(AppRegistered, bad), /invalid AppRegistered.v1/);
    assert.equal(eventBridge.commandCalls(PutEventsCommand).length, 0);
  });
});

describe('loadConfig', () => {
  const Schema = z.object({ TABLE: z.string().min(1), TTL: z.coerce.number().default(30) });

  it('parses and defaults the environment once into a typed object', () => {
    assert.deepEqual(loadConfig(Schema, { TABLE: 't' }), { TABLE: 't', TTL: 30 });
  });

  it('names every missing or invalid setting in one error', () => {
    assert.throws(() => loadConfig(Schema, { TTL: 'abc' }), /TABLE: .*; TTL: /);
  });
});
