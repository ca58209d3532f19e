// Types of deploy.mjs for the TypeScript tests (the script itself runs as plain node ESM).
import type { S3Client } from '@aws-sdk/client-s3';

export declare const IMMUTABLE: string;
export declare const REVALIDATE: string;

export interface PlannedUpload {
  key: string;
  contentType: string;
  cacheControl: string;
}

export declare function uploadPlan(keys: string[]): PlannedUpload[];
export declare function invalidationPaths(plan: PlannedUpload[]): string[];

export declare function deployConsole(options: {
  distDir: string;
  bucket: string;
  s3: S3Client;
  invalidate?: (paths: string[]) => Promise<string | undefined>;
  keepDays?: number;
  dryRun?: boolean;
  now?: () => number;
  log?: (line: string) => void;
}): Promise<{ uploaded: string[]; skipped: number; deleted: string[]; invalidated: string[]; invalidationId: string | undefined }>;
