// EMR Serverless "Job Run State Change" → ProcessingCompleted.v1 / ProcessingFailed.v1 on our bus.
import { ProcessingCompleted, ProcessingFailed } from '@clickstream/contracts';
import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import * as z from 'zod';
import { decideOnJobState } from '../domain/job-state.js';
import { logger, ports } from '../wiring.js';

const StateChange = z.object({
  detail: z.object({
    jobRunId: z.string(),
    applicationId: z.string(),
    name: z.string().optional(),
    state: z.string(),
    stateDetails: z.string().optional(),
  }),
});

export const handler = middy()
  .use(injectLambdaContext(logger, { resetKeys: true }))
  .handler(async (event: unknown) => {
    const { detail } = StateChange.parse(event);
    const { results, publisher, clock, emrApplicationId, jobState } = ports();
    const decision = decideOnJobState(detail, emrApplicationId);
    if (decision.action === 'publish-result') {
      const result = await results.read(decision.jobId);
      if (!result) throw new Error(`job ${decision.jobId} succeeded but left no result manifest`);
      await publisher.publish(ProcessingCompleted, result);
      // After announcing: a crash in between leaves the run pending, and the schedule announces and commits it.
      await jobState?.commit(decision.jobId);
    } else if (decision.action === 'publish-failure') {
      await publisher.publish(ProcessingFailed, {
        jobId: decision.jobId,
        inputRange: { from: 'unknown', to: 'unknown' },
        error: { code: decision.code, message: decision.message },
        failedAt: new Date(clock.now()).toISOString(),
      });
    }
    logger.info('job state handled', { state: detail.state, action: decision.action });
  });
