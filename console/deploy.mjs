// Uploads the built console (console/dist) to the bucket console-api declares for it, then has
// CloudFront drop its copy of the files whose names do not change between builds.
//
//   npm run build --workspace @clickstream/console
//   node console/deploy.mjs --stage prod [--region us-east-1]      # bucket + distribution from the stack outputs
//   node console/deploy.mjs --bucket <name> --distribution <id>    # or named directly
//   options: --dry-run (print the plan), --keep-days 7 (how long replaced chunks stay), --no-invalidate
//
// Order matters for visitors during a deploy: the content-hashed chunks go up first, the entry
// files (main.js, main.css) next and index.html last, so no page ever references a file that is
// not there yet. Chunks a new build no longer has stay for --keep-days: a tab opened before the
// deploy still loads its screens from them.
import { readdir, readFile, stat } from 'node:fs/promises';
import { extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const here = fileURLToPath(new URL('.', import.meta.url));

const TYPES = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

export const IMMUTABLE = 'public, max-age=31536000, immutable';
export const REVALIDATE = 'no-cache';
/** Folders whose file names carry a content hash (build.mjs: chunkNames, assetNames). */
const HASHED = ['chunks/', 'assets/'];
const isHashed = (key) => HASHED.some((p) => key.startsWith(p));

/**
 * What goes where: one entry per file of dist, with its content type and cache policy, in upload
 * order (hashed files, then entry files, index.html last).
 * @param {string[]} keys paths relative to dist, with `/`
 * @returns {{ key: string; contentType: string; cacheControl: string }[]}
 */
export function uploadPlan(keys) {
  const rank = (key) => (isHashed(key) ? 0 : key === 'index.html' ? 2 : 1);
  return [...keys]
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
    .map((key) => ({
      key,
      contentType: TYPES[extname(key).toLowerCase()] ?? 'application/octet-stream',
      cacheControl: isHashed(key) ? IMMUTABLE : REVALIDATE,
    }));
}

/** The paths CloudFront must forget after a deploy: the files whose names every build reuses. */
export function invalidationPaths(plan) {
  return plan.filter((p) => !isHashed(p.key) && !p.key.endsWith('.map')).map((p) => `/${p.key}`);
}

async function listFiles(dir) {
  const out = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await listFiles(path)));
    else if (entry.isFile()) out.push(path);
  }
  return out;
}

/**
 * Uploads `distDir` to `bucket` and invalidates the reused names.
 * @param {object} options
 * @param {string} options.distDir
 * @param {string} options.bucket
 * @param {import('@aws-sdk/client-s3').S3Client} options.s3
 * @param {(paths: string[]) => Promise<string | undefined>} [options.invalidate] answers the invalidation id
 * @param {number} [options.keepDays] replaced hashed files older than this are deleted
 * @param {boolean} [options.dryRun]
 * @param {() => number} [options.now]
 * @param {(line: string) => void} [options.log]
 */
export async function deployConsole({ distDir, bucket, s3, invalidate, keepDays = 7, dryRun = false, now = Date.now, log = console.log }) {
  const { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand } = await import('@aws-sdk/client-s3');
  const files = (await listFiles(distDir)).map((f) => relative(distDir, f).split(sep).join('/'));
  for (const required of ['index.html', 'main.js']) {
    if (!files.includes(required)) throw new Error(`${join(distDir, required)} is missing: build the console first (npm run build --workspace @clickstream/console).`);
  }
  const plan = uploadPlan(files);

  // Hashed files already in the bucket are byte-for-byte the same (the name is the hash): skip them.
  const existing = new Map();
  for (const prefix of HASHED) {
    let token;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) existing.set(o.Key, o.LastModified ? new Date(o.LastModified).getTime() : 0);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  const uploaded = [];
  let skipped = 0;
  for (const item of plan) {
    if (isHashed(item.key) && existing.has(item.key)) {
      skipped++;
      continue;
    }
    if (!dryRun) {
      await s3.send(
        new PutObjectCommand({ Bucket: bucket, Key: item.key, Body: await readFile(join(distDir, item.key)), ContentType: item.contentType, CacheControl: item.cacheControl }),
      );
    }
    uploaded.push(item.key);
    log(`${dryRun ? 'would upload' : 'uploaded'} ${item.key} (${item.contentType}; ${item.cacheControl})`);
  }

  const built = new Set(files);
  const cutoff = now() - keepDays * 86_400_000;
  const stale = [...existing].filter(([key, modified]) => !built.has(key) && modified < cutoff).map(([key]) => key);
  for (let i = 0; i < stale.length; i += 1000) {
    const batch = stale.slice(i, i + 1000);
    if (!dryRun) {
      const res = await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }));
      if (res.Errors?.length) throw new Error(`could not delete ${res.Errors.map((e) => `${e.Key}: ${e.Code}`).join(', ')}`);
    }
    for (const key of batch) log(`${dryRun ? 'would delete' : 'deleted'} ${key} (not in this build, older than ${keepDays} days)`);
  }

  const paths = invalidationPaths(plan);
  let invalidationId;
  if (invalidate && !dryRun) invalidationId = await invalidate(paths);
  return { uploaded, skipped, deleted: stale, invalidated: invalidate ? paths : [], invalidationId };
}

/** CloudFront, loaded on demand: @aws-sdk/client-cloudfront is not one of the repository's dependencies. */
async function cloudFrontInvalidator(distributionId, region) {
  let sdk;
  try {
    sdk = await import('@aws-sdk/client-cloudfront');
  } catch {
    throw new Error(
      `@aws-sdk/client-cloudfront is not installed, so the CloudFront cache cannot be invalidated. Install it (npm install --no-save @aws-sdk/client-cloudfront), ` +
        `or pass --no-invalidate and run: aws cloudfront create-invalidation --distribution-id ${distributionId} --paths /index.html /main.js /main.css`,
    );
  }
  const client = new sdk.CloudFrontClient({ region });
  return async (paths) => {
    const res = await client.send(
      new sdk.CreateInvalidationCommand({
        DistributionId: distributionId,
        InvalidationBatch: { CallerReference: `clickstream-console-${Date.now()}`, Paths: { Quantity: paths.length, Items: paths } },
      }),
    );
    return res.Invalidation?.Id;
  };
}

/** ConsoleBucketName and ConsoleDistributionId of the console-api stack of `stage`. */
async function stackOutputs(stage, region) {
  const { CloudFormationClient, DescribeStacksCommand } = await import('@aws-sdk/client-cloudformation');
  const stackName = `clickstream-console-api-${stage}`;
  const res = await new CloudFormationClient({ region }).send(new DescribeStacksCommand({ StackName: stackName }));
  const outputs = Object.fromEntries((res.Stacks?.[0]?.Outputs ?? []).map((o) => [o.OutputKey, o.OutputValue]));
  if (!outputs.ConsoleBucketName || !outputs.ConsoleDistributionId) {
    throw new Error(`${stackName} has no ConsoleBucketName/ConsoleDistributionId outputs: deploy services/console-api first.`);
  }
  return { bucket: outputs.ConsoleBucketName, distribution: outputs.ConsoleDistributionId, url: outputs.ConsoleUrl };
}

async function main() {
  const { values } = parseArgs({
    options: {
      stage: { type: 'string' },
      region: { type: 'string', default: process.env.AWS_REGION ?? 'us-east-1' },
      bucket: { type: 'string' },
      distribution: { type: 'string' },
      dist: { type: 'string', default: join(here, 'dist') },
      'keep-days': { type: 'string', default: '7' },
      'dry-run': { type: 'boolean', default: false },
      'no-invalidate': { type: 'boolean', default: false },
    },
  });
  const keepDays = Number(values['keep-days']);
  if (!Number.isFinite(keepDays) || keepDays < 0) throw new Error('--keep-days: a number of days ≥ 0');
  let { bucket, distribution } = values;
  let url;
  if (!bucket || (!distribution && !values['no-invalidate'])) {
    if (!values.stage) throw new Error('Name the stage (--stage prod), or the bucket and distribution (--bucket, --distribution).');
    ({ bucket, distribution, url } = await stackOutputs(values.stage, values.region));
  }
  await stat(values.dist).catch(() => {
    throw new Error(`${values.dist} does not exist: build the console first (npm run build --workspace @clickstream/console).`);
  });
  // Before any upload: a missing CloudFront client must not leave a half-done deploy behind.
  const invalidate = values['no-invalidate'] || values['dry-run'] ? undefined : await cloudFrontInvalidator(distribution, values.region);
  const { S3Client } = await import('@aws-sdk/client-s3');
  const result = await deployConsole({ distDir: values.dist, bucket, s3: new S3Client({ region: values.region }), invalidate, keepDays, dryRun: values['dry-run'] });
  console.log(
    JSON.stringify({ bucket, distribution, url, uploaded: result.uploaded.length, unchanged: result.skipped, deleted: result.deleted.length, invalidated: result.invalidated, invalidationId: result.invalidationId }, null, 2),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    console.error(`deploy failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  });
}
