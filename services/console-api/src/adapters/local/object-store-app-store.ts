import { AppSettings } from '@clickstream/contracts';
import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { AppStore } from '../../ports/app-store.js';

/** Apps as JSON files in the local object store (replaced by SQLite with issue 8). */
export class ObjectStoreAppStore implements AppStore {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'console/apps/',
  ) {}

  async list(): Promise<AppSettings[]> {
    const keys = await this.store.list(this.prefix);
    const apps = await Promise.all(keys.map((k) => this.read(k)));
    return apps.filter((a): a is AppSettings => a !== undefined);
  }

  get(appId: string): Promise<AppSettings | undefined> {
    return this.read(`${this.prefix}${appId}.json`);
  }

  create(app: AppSettings): Promise<boolean> {
    // Serialised so two creates of one id cannot both succeed.
    return this.writes.run(async () => {
      if (await this.get(app.appId)) return false;
      await this.store.put(`${this.prefix}${app.appId}.json`, JSON.stringify(app));
      return true;
    });
  }

  private async read(key: string): Promise<AppSettings | undefined> {
    const raw = await this.store.get(key);
    return raw ? AppSettings.parse(JSON.parse(raw.toString('utf8'))) : undefined;
  }
}
