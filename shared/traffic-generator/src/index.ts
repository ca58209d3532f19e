// @clickstream/traffic-generator: seeded, realistic clickstream traffic for tests, benchmarks and
// the chaos harness. Same seed and options → the same uploads, byte for byte.
export {
  defaultShares,
  generateTraffic,
  rawEnvelopes,
  sdkRequests,
  encodedLine,
  toEnvelope,
  toEnvelopeHeader,
  toRawLine,
  type AppTraffic,
  type GeneratedUpload,
  type SdkRequest,
  type TrafficOptions,
  type TrafficShares,
  type UploadMeta,
  type UserProfile,
} from './generator.js';
export { toSdkRequest } from './sdk-request.js';
export { rawRecords, type RawRecordOptions } from './raw-records.js';
export { rawPrefix, UNPARTITIONABLE_PREFIX, writeRawFiles, type PutObject, type RawFilesOptions, type RawFilesResult } from './raw-files.js';
export { EVENT_CASES, MalformedCases, type MalformedCase } from './malformed.js';
export { COUNTRIES, MOBILE_DEVICES, PRODUCTS, WEB_DEVICES, WEB_TRAFFIC_SOURCES, BOT_USER_AGENTS, type Country } from './catalog.js';
export { Random } from './random.js';
export { expectedOutcome, type ElementOutcome, type EventBadRowReason, type OutcomeOptions, type UploadOutcome } from './expected-outcome.js';
export { withRepeatedEvent } from './batch-duplicates.js';
export { retimeUpload, type RetimeOptions } from './retime.js';
export { hashCodeOf } from './hash-code.js';
