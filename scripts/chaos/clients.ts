// Simulated SDK clients for the chaos harness: each sends the generator's uploads one after the
// other, exactly as the SDKs put them on the wire, and — as the AWS Clickstream SDKs do — resends
// the SAME request (same body, same event ids) until it gets an answer. A 4xx is an answer (ingest
// refused the upload and stored nothing); a refused connection, a reset, a timeout or a 5xx is not.
import type { Delivery, Ledger } from './ledger.js';
import type { ChaosTraffic, PreparedUpload } from './traffic.js';

export interface ClientStats {
  requests: number;
  failedRequests: number;
}

export interface ClientOptions {
  url: () => string;
  clients: number;
  traffic: ChaosTraffic;
  ledger: Ledger;
  /** Stops sending new uploads once this resolves; an upload in flight is retried until it is answered or `abandon` resolves. */
  stop: Promise<void>;
  abandon: Promise<void>;
  random: () => number;
  requestTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs the clients until `stop`; every upload sent ends up in the ledger with how it ended. */
export async function runClients(options: ClientOptions): Promise<ClientStats> {
  const stats: ClientStats = { requests: 0, failedRequests: 0 };
  let stopped = false;
  let abandoned = false;
  void options.stop.then(() => (stopped = true));
  void options.abandon.then(() => (abandoned = true));

  async function send(prepared: PreparedUpload): Promise<Delivery> {
    const { request } = prepared;
    // The edge (API Gateway, or a trusted proxy in front of the embedded server) passes the client address on.
    const headers = { ...request.headers, 'x-forwarded-for': request.clientIp };
    const delivery: Delivery = { status: undefined, unknownAttempts: 0, lastAttemptAt: prepared.sentAt };
    for (let attempt = 0; !abandoned; attempt++) {
      stats.requests++;
      delivery.lastAttemptAt = Date.now();
      let status: number | undefined;
      try {
        const res = await fetch(`${options.url()}${request.path}`, {
          method: request.method,
          headers,
          body: request.body,
          signal: AbortSignal.timeout(options.requestTimeoutMs ?? 10_000),
        });
        await res.arrayBuffer();
        status = res.status;
      } catch {
        // Connection refused or reset while the server is down, or no answer in time.
      }
      if (status !== undefined && status < 500) {
        delivery.status = status;
        return delivery;
      }
      stats.failedRequests++;
      delivery.unknownAttempts++;
      await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + options.random()));
    }
    return delivery;
  }

  async function client(): Promise<void> {
    while (!stopped) {
      const prepared = options.traffic.next(Date.now());
      options.ledger.record(prepared, await send(prepared));
    }
  }

  await Promise.all(Array.from({ length: options.clients }, () => client()));
  return stats;
}
