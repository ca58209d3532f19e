import { type ObjectStore, SerialQueue } from '@clickstream/runtime';
import type { AppTarget, PipelineTargets } from '../../ports/pipeline-targets.js';

/** `model-redshift/pipelines/<appId>.json`: this service's copy, newest config version wins. */
export class ObjectStorePipelineTargets implements PipelineTargets {
  private readonly writes = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'model-redshift/pipelines/',
  ) {}

  put(target: AppTarget): Promise<boolean> {
    return this.writes.run(async () => {
      const current = await this.get(target.appId);
      if (current && current.version >= target.version) return false;
      await this.store.put(this.key(target.appId), JSON.stringify(target));
      return true;
    });
  }

  async get(appId: string): Promise<AppTarget | undefined> {
    const raw = await this.store.get(this.key(appId));
    return raw ? (JSON.parse(raw.toString('utf8')) as AppTarget) : undefined;
  }

  private key(appId: string): string {
    return `${this.prefix}${encodeURIComponent(appId)}.json`;
  }
}
