// The load state machine in embedded mode: the SAME ASL file Step Functions runs, executed by
// aws-local-stepfunctions with every Task bound to this service's local function of the same name.
import type { Logger } from '@clickstream/lambda-kit';
import type { LambdaFunction } from '@clickstream/runtime';
import type { Context } from 'aws-lambda';
import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { functionOfResource, taskStates, type AslDefinition } from '../../domain/asl.js';
import type { LoadInput, LoadLauncher } from '../../ports/load-launcher.js';

// aws-local-stepfunctions 3 declares Node ≥ 22 and calls Promise.withResolvers (ES2024) on every
// Task; Node 20 lacks it. This is the spec'd behaviour, installed only where it is missing.
interface WithResolvers {
  withResolvers?: <T>() => { promise: Promise<T>; resolve: (value: T) => void; reject: (reason?: unknown) => void };
}
if (typeof (Promise as unknown as WithResolvers).withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers<T>() {
      let resolve!: (value: T) => void;
      let reject!: (reason?: unknown) => void;
      const promise = new Promise<T>((ok, fail) => {
        resolve = ok;
        reject = fail;
      });
      return { promise, resolve, reject };
    },
  });
}

export interface LocalExecution {
  status: 'SUCCEEDED' | 'FAILED';
  output?: unknown;
  error?: string;
  /** Names of the states entered, in order (tests read the path taken). */
  states: string[];
}

export interface LocalStepFunctionsOptions {
  /** What every Wait state waits locally, ms: polling DuckDB needs no 10 s pauses. */
  waitMs?: number;
  /** Pause before a Retry, ms. */
  retryMs?: number;
  logger?: Pick<Logger, 'info' | 'error'>;
  /** Region and account in the placeholder ARNs (only ever validated, never called). */
  service?: string;
}

function localContext(functionName: string): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: crypto.randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => 60_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Runs load executions in process. `start` waits for the execution (so a trigger's delivery, and
 * `runtime.runJob`, end when the load has), but like StartExecution never fails because the
 * execution did: the outcome is logged, and the files' status says the rest.
 */
export class LocalStepFunctions implements LoadLauncher {
  private readonly machine: StateMachine;
  private readonly handlers: Record<string, (input: unknown) => Promise<never>>;
  private readonly waits: Record<string, number>;
  private readonly retries: Record<string, number>;
  private readonly running = new Set<Promise<LocalExecution>>();

  constructor(
    asl: AslDefinition,
    functions: Readonly<Record<string, LambdaFunction>>,
    private readonly options: LocalStepFunctionsOptions = {},
  ) {
    const service = options.service ?? 'clickstream-model-redshift-local';
    const definition = structuredClone(asl);
    this.handlers = {};
    for (const [name, state] of taskStates(definition)) {
      const fnName = functionOfResource(String(state.Resource));
      const fn = functions[fnName];
      if (!fn) throw new Error(`Task ${name}: no local function ${fnName}`);
      state.Resource = `arn:aws:lambda:us-east-1:000000000000:function:${service}-${fnName}`;
      this.handlers[name] = async (input) => {
        const output = await fn(input as never, localContext(`${service}-${fnName}`));
        // What crosses a Lambda boundary is JSON.
        return JSON.parse(JSON.stringify(output ?? null)) as never;
      };
    }
    const states = Object.entries(definition.States);
    this.waits = Object.fromEntries(states.filter(([, s]) => s.Type === 'Wait').map(([n]) => [n, options.waitMs ?? 5]));
    this.retries = Object.fromEntries(states.filter(([, s]) => Array.isArray(s.Retry)).map(([n]) => [n, options.retryMs ?? 0]));
    // Validates the definition (states, paths, ARNs) the way Step Functions would on deploy.
    this.machine = new StateMachine(definition as unknown as StateMachineDefinition);
  }

  async start(input: LoadInput, reason: string): Promise<void> {
    const execution = await this.run(input);
    const log = { table: input.table, chainId: input.chainId, generation: input.generation, reason, states: execution.states.length };
    if (execution.status === 'SUCCEEDED') this.options.logger?.info('local load execution succeeded', { ...log, end: execution.states.at(-1) });
    else this.options.logger?.error('local load execution failed', { ...log, error: execution.error });
  }

  /** One execution to its end. */
  run(input: LoadInput): Promise<LocalExecution> {
    const execution = this.execute(input);
    this.running.add(execution);
    void execution.finally(() => this.running.delete(execution));
    return execution;
  }

  /** Resolves once no execution is running (shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  private async execute(input: LoadInput): Promise<LocalExecution> {
    const states: string[] = [];
    const { result, eventLogs } = this.machine.run(JSON.parse(JSON.stringify(input)), {
      overrides: { taskResourceLocalHandlers: this.handlers, waitTimeOverrides: this.waits, retryIntervalOverrides: this.retries },
    });
    const collecting = (async () => {
      for await (const event of eventLogs) if (event.type === 'StateEntered') states.push(event.state.name);
    })();
    try {
      const output = await result;
      await collecting;
      return { status: 'SUCCEEDED', output, states };
    } catch (error) {
      await collecting.catch(() => undefined);
      return { status: 'FAILED', error: error instanceof Error ? `${error.name}: ${error.message}` : String(error), states };
    }
  }
}
