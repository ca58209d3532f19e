import {
  AthenaPartitionsAdded,
  ProcessingCompleted,
  ProcessingFailed,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
} from '@clickstream/contracts';
import type { Delivery } from '@clickstream/lambda-kit';

/** The events the health view is built from. */
export const pipelineContracts = [
  ProcessingCompleted,
  ProcessingFailed,
  AthenaPartitionsAdded,
  RedshiftLoadCompleted,
  RedshiftLoadFailed,
] as const;
type PipelineContracts = (typeof pipelineContracts)[number];

/** The few facts of each pipeline event that the health view shows. */
export function summarisePipelineEvent(d: Delivery<PipelineContracts>): { at: string; summary: Record<string, unknown> } {
  const { at, summary } = describeEvent(d);
  // Stores keep the latest event by comparing `at` as text: only one canonical UTC form (ms
  // precision, `Z`) makes text order time order, whatever offset or precision the producer wrote.
  return { at: new Date(at).toISOString(), summary };
}

function describeEvent(d: Delivery<PipelineContracts>): { at: string; summary: Record<string, unknown> } {
  switch (d.detailType) {
    case 'ProcessingCompleted.v1':
      return {
        at: d.detail.completedAt,
        summary: { jobId: d.detail.jobId, rows: d.detail.rowCounts, badRows: d.detail.badRowCount, apps: d.detail.appIds },
      };
    case 'ProcessingFailed.v1':
      return { at: d.detail.failedAt, summary: { jobId: d.detail.jobId, error: d.detail.error } };
    case 'AthenaPartitionsAdded.v1':
      return { at: d.detail.addedAt, summary: { jobId: d.detail.jobId, partitions: d.detail.partitions.length } };
    case 'RedshiftLoadCompleted.v1':
      return { at: d.detail.completedAt, summary: { loadId: d.detail.loadId, table: d.detail.table, rows: d.detail.rowsMerged } };
    case 'RedshiftLoadFailed.v1':
      return { at: d.detail.failedAt, summary: { loadId: d.detail.loadId, table: d.detail.table, error: d.detail.error } };
  }
}
