// AWS list prices the cost model multiplies usage by: us-east-1, on-demand, USD, no discounts.
//
// Transcribed from the pricing page named in each entry, as in effect at `asOf`. Those pages render
// their tables client-side, so nothing here is checked automatically: recheck them before relying on a
// figure, and add a region by copying the block with that region's prices. `rule` marks the billing
// rules (rounding, minimums) that change the arithmetic more than the unit price does.

export interface Price {
  /** USD for `per` units. */
  usd: number;
  per: number;
  unit: string;
  source: string;
  asOf: string;
  rule?: string;
}

const p = (usd: number, per: number, unit: string, source: string, asOf: string, rule?: string): Price =>
  rule === undefined ? { usd, per, unit, source, asOf } : { usd, per, unit, source, asOf, rule };

const APIGW = 'https://aws.amazon.com/api-gateway/pricing/';
const LAMBDA = 'https://aws.amazon.com/lambda/pricing/';
const KDS = 'https://aws.amazon.com/kinesis/data-streams/pricing/';
const FIREHOSE = 'https://aws.amazon.com/firehose/pricing/';
const S3 = 'https://aws.amazon.com/s3/pricing/';
const EMR = 'https://aws.amazon.com/emr/pricing/';
const ECR = 'https://aws.amazon.com/ecr/pricing/';
const GLUE = 'https://aws.amazon.com/glue/pricing/';
const ATHENA = 'https://aws.amazon.com/athena/pricing/';
const REDSHIFT = 'https://aws.amazon.com/redshift/pricing/';
const DDB = 'https://aws.amazon.com/dynamodb/pricing/on-demand/';
const EVENTS = 'https://aws.amazon.com/eventbridge/pricing/';
const SFN = 'https://aws.amazon.com/step-functions/pricing/';
const CW = 'https://aws.amazon.com/cloudwatch/pricing/';
const SQS = 'https://aws.amazon.com/sqs/pricing/';
const KMS = 'https://aws.amazon.com/kms/pricing/';

export const US_EAST_1 = {
  region: 'us-east-1',
  apiGateway: {
    httpRequests: p(1.0, 1e6, 'HTTP API request (first 300 M/month)', APIGW, '2025-06', 'each request is metered in 512 KB increments'),
    httpRequestsOver300M: p(0.9, 1e6, 'HTTP API request (over 300 M/month)', APIGW, '2025-06'),
  },
  lambda: {
    requests: p(0.2, 1e6, 'request', LAMBDA, '2025-06'),
    arm64GbSecond: p(0.0000133334, 1, 'GB-second (arm64)', LAMBDA, '2025-06', 'duration billed per 1 ms'),
    x86GbSecond: p(0.0000166667, 1, 'GB-second (x86_64)', LAMBDA, '2025-06'),
  },
  kinesis: {
    onDemandStreamHour: p(0.04, 1, 'on-demand stream-hour', KDS, '2025-06'),
    onDemandDataIn: p(0.08, 1, 'GB written (on-demand)', KDS, '2025-06', 'each record rounded up to 1 KB'),
    onDemandDataOut: p(0.04, 1, 'GB read (on-demand)', KDS, '2025-06', 'each record rounded up to 1 KB'),
    onDemandExtendedRetention: p(0.1, 1, 'GB-month stored beyond 24 h (on-demand)', KDS, '2025-06'),
    shardHour: p(0.015, 1, 'shard-hour (provisioned)', KDS, '2025-06'),
    putPayloadUnits: p(0.014, 1e6, 'PUT payload unit of 25 KB (provisioned)', KDS, '2025-06', 'each record rounded up to 25 KB'),
    extendedRetentionShardHour: p(0.02, 1, 'shard-hour of retention beyond 24 h (provisioned)', KDS, '2025-06'),
  },
  firehose: {
    ingestion: p(0.029, 1, 'GB ingested (first 500 TB/month)', FIREHOSE, '2025-06', 'each record rounded up to 5 KB (Direct PUT and Kinesis Data Streams as source)'),
    dynamicPartitioningGb: p(0.02, 1, 'GB processed by dynamic partitioning', FIREHOSE, '2025-06'),
    dynamicPartitioningObjects: p(0.005, 1000, 'S3 object delivered with dynamic partitioning', FIREHOSE, '2025-06'),
    jqHour: p(0.07, 1, 'JQ processing hour', FIREHOSE, '2025-06'),
  },
  s3: {
    standardGbMonth: p(0.023, 1, 'GB-month S3 Standard (first 50 TB)', S3, '2025-06'),
    putCopyPostList: p(0.005, 1000, 'PUT/COPY/POST/LIST request', S3, '2025-06'),
    getSelectOther: p(0.0004, 1000, 'GET and other request', S3, '2025-06'),
  },
  emrServerless: {
    arm64VcpuHour: p(0.042094, 1, 'vCPU-hour (ARM64)', EMR, '2025-06', 'per second, 1 minute minimum per worker'),
    arm64GbHour: p(0.004628, 1, 'GB-hour of memory (ARM64)', EMR, '2025-06'),
    x86VcpuHour: p(0.052624, 1, 'vCPU-hour (X86_64)', EMR, '2025-06'),
    x86GbHour: p(0.0057785, 1, 'GB-hour of memory (X86_64)', EMR, '2025-06'),
    storageGbHour: p(0.000111, 1, 'GB-hour of worker disk beyond the free 20 GB', EMR, '2025-06'),
  },
  ecr: {
    storageGbMonth: p(0.1, 1, 'GB-month of image storage', ECR, '2025-06'),
  },
  glue: {
    catalogObjects: p(1.0, 100_000, 'catalog object-month over the free 1 M', GLUE, '2025-06'),
    catalogRequests: p(1.0, 1e6, 'catalog request over the free 1 M', GLUE, '2025-06'),
  },
  athena: {
    scanned: p(5.0, 1e12, 'byte scanned ($5 per TB)', ATHENA, '2025-06', 'rounded up to 10 MB per query; DDL and failed queries free'),
  },
  redshiftServerless: {
    rpuHour: p(0.375, 1, 'RPU-hour', REDSHIFT, '2025-06', 'per second with a 60-second minimum per active period; base capacity 8 RPU minimum by default'),
    managedStorageGbMonth: p(0.024, 1, 'GB-month of Redshift managed storage', REDSHIFT, '2025-06'),
  },
  dynamodb: {
    writeRequestUnits: p(0.625, 1e6, 'on-demand write request unit', DDB, '2024-11 price cut', 'items up to 1 KB; a GSI write costs another'),
    readRequestUnits: p(0.125, 1e6, 'on-demand read request unit', DDB, '2024-11 price cut', 'eventually consistent read of up to 4 KB = 0.5 RRU'),
    storageGbMonth: p(0.25, 1, 'GB-month of table storage', DDB, '2025-06'),
    pitrGbMonth: p(0.2, 1, 'GB-month of continuous backup (PITR)', DDB, '2025-06'),
  },
  eventBridge: {
    customEvents: p(1.0, 1e6, 'custom event published (64 KB chunk)', EVENTS, '2025-06', 'AWS service events and scheduled rules are free'),
    archiveProcessing: p(0.1, 1, 'GB archived', EVENTS, '2025-06'),
    archiveStorageGbMonth: p(0.023, 1, 'GB-month of archive storage', EVENTS, '2025-06'),
  },
  stepFunctions: {
    standardTransitions: p(0.025, 1000, 'Standard state transition', SFN, '2025-06'),
  },
  cloudWatch: {
    logsIngestedGb: p(0.5, 1, 'GB of logs ingested (Standard class)', CW, '2025-06'),
    logsStoredGbMonth: p(0.03, 1, 'GB-month of logs stored (compressed)', CW, '2025-06'),
    alarm: p(0.1, 1, 'standard-resolution alarm-month', CW, '2025-06'),
  },
  sqs: {
    requests: p(0.4, 1e6, 'standard queue request (64 KB chunk)', SQS, '2025-06'),
  },
  kms: {
    requests: p(0.03, 10_000, 'KMS API request (AWS managed key: no monthly fee)', KMS, '2025-06'),
  },
  /** Allowances AWS gives every account every month (not the 12-month trial ones); applied with --free-tier. */
  alwaysFree: {
    lambdaRequests: 1e6,
    lambdaGbSeconds: 400_000,
    glueObjects: 1e6,
    glueRequests: 1e6,
    stepFunctionsTransitions: 4000,
    sqsRequests: 1e6,
    cloudWatchLogsGb: 5,
    cloudWatchAlarms: 10,
    dynamodbStorageGb: 25,
  },
} as const;

export type PriceTable = typeof US_EAST_1;

export const PRICE_TABLES: Readonly<Record<string, PriceTable>> = { 'us-east-1': US_EAST_1 };

export function pricesFor(region: string): PriceTable {
  const table = PRICE_TABLES[region];
  if (!table) {
    throw new Error(`no price table for region ${region}: add one to scripts/cost-model/prices.ts (known: ${Object.keys(PRICE_TABLES).join(', ')})`);
  }
  return table;
}

/** Cost of `quantity` units at `price`. */
export const cost = (quantity: number, price: Price): number => (quantity / price.per) * price.usd;
