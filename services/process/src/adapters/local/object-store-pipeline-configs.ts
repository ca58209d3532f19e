import { PipelineConfig } from '@clickstream/contracts';
import { SerialQueue, type ObjectStore } from '@clickstream/runtime';
import * as z from 'zod';
import type { PipelineConfigStore, StoredPipelineConfig } from '../../ports/pipeline-config-store.js';

const Stored = z.object({
  projectId: z.string(),
  version: z.number().int(),
  appIds: z.array(z.string()),
  process: PipelineConfig.shape.process,
  changedAt: z.string(),
});

/** The process service's copy of the pipeline configurations: one JSON object per project. */
export class ObjectStorePipelineConfigs implements PipelineConfigStore {
  private readonly serial = new SerialQueue();

  constructor(
    private readonly store: ObjectStore,
    private readonly prefix = 'process/pipeline-configs/',
  ) {}

  async get(projectId: string): Promise<StoredPipelineConfig | undefined> {
    const raw = await this.store.get(`${this.prefix}${projectId}.json`);
    return raw ? Stored.parse(JSON.parse(raw.toString('utf8'))) : undefined;
  }

  put(config: StoredPipelineConfig, expectedVersion: number): Promise<boolean> {
    // One writer at a time makes the compare-and-set atomic within the process (one process per data dir).
    return this.serial.run(async () => {
      const current = await this.get(config.projectId);
      if ((current?.version ?? -1) !== expectedVersion) return false;
      await this.store.put(`${this.prefix}${config.projectId}.json`, JSON.stringify(config));
      return true;
    });
  }

  async list(): Promise<StoredPipelineConfig[]> {
    const keys = await this.store.list(this.prefix);
    const out: StoredPipelineConfig[] = [];
    for (const key of keys) {
      const raw = await this.store.get(key);
      if (raw) out.push(Stored.parse(JSON.parse(raw.toString('utf8'))));
    }
    return out;
  }
}
