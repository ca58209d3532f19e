/** The latest pipeline event of each kind, as on-pipeline-event saw them. */
export interface PipelineHealthStore {
  record(kind: string, at: string, summary: Record<string, unknown>): Promise<void>;
  latest(): Promise<Record<string, { at: string; summary: Record<string, unknown> }>>;
}
