import type { ViewSql } from '../domain/analysis-views.js';

/** Applies the versioned analysis views, in order (a view may use the ones before it). */
export interface ViewDeployer {
  apply(views: readonly ViewSql[]): Promise<{ applied: string[] }>;
}
