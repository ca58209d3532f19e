export type FileStatus = 'NEW' | 'LOADING' | 'LOADED' | 'FAILED';

export interface TrackedFile {
  key: string;
  table: string;
  appId: string;
  rows: number;
  jobId: string;
}

/** Which processed files exist and how far each has got into Redshift. */
export interface FileTracker {
  /** Records a file as NEW unless it is already known (a replay records nothing). True when recorded. */
  recordNew(file: TrackedFile): Promise<boolean>;
  countByStatus(status: FileStatus): Promise<number>;
}
