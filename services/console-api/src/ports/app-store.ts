import type { AppSettings } from '@clickstream/contracts';

/** The control plane's apps (SQLite locally, DynamoDB on AWS; see issue 8). */
export interface AppStore {
  list(): Promise<AppSettings[]>;
  get(appId: string): Promise<AppSettings | undefined>;
  /** Creates the app; false when the id is taken. */
  create(app: AppSettings): Promise<boolean>;
}
