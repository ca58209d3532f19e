// Simulated SDK clients for the chaos harness: each sends batches of events with unique ids and,
// as the AWS Clickstream SDKs do, resends the SAME batch until it gets a 200. A share of the
// events is invalid on purpose, so bad rows can be accounted for too.

export interface ClientStats {
  /** Event ids of valid events in batches answered 200. */
  ackedValid: Set<string>;
  /** Event ids of deliberately invalid events in batches answered 200. */
  ackedInvalid: Set<string>;
  sentEvents: number;
  requests: number;
  failedRequests: number;
}

export interface ClientOptions {
  url: () => string;
  appId: string;
  /** 8 hex digits: the first group of every event id of the run. */
  runTag: string;
  clients: number;
  eventsPerBatch: number;
  /** Share of events made invalid on purpose (0..1). */
  invalidShare: number;
  /** Stops sending new batches once this resolves; a batch in flight is retried until it is answered or `abandon` resolves. */
  stop: Promise<void>;
  abandon: Promise<void>;
  random: () => number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function event(id: string, appId: string, device: string, session: number, n: number, invalid: boolean): Record<string, unknown> {
  const now = Date.now();
  return {
    event_type: n === 0 ? '_session_start' : n % 3 === 0 ? 'add_to_cart' : '_page_view',
    event_id: id,
    app_id: appId,
    unique_id: device,
    device_id: device,
    // An invalid timestamp is a request-level-valid, event-level-invalid event: a bad row.
    timestamp: invalid ? 'not-a-timestamp' : now - 5,
    platform: 'Web',
    make: 'Google Inc.',
    locale: 'en-US',
    screen_height: 1080,
    screen_width: 1920,
    zone_offset: 0,
    system_language: 'en',
    country_code: 'US',
    sdk_version: '0.12.6',
    sdk_name: 'aws-solution-clickstream-sdk',
    host_name: 'shop.example.com',
    app_title: 'Chaos shop',
    attributes: {
      _session_id: `${device}-${session}`,
      _session_start_timestamp: now - n * 1000,
      _session_duration: n * 1000,
      _session_number: session,
      _page_url: `https://shop.example.com/p/${n % 7}`,
      _page_title: `Page ${n % 7}`,
      chaos_seq: n,
    },
    user: {},
  };
}

/** Runs the clients until `stop`; resolves with what was acknowledged. */
export async function runClients(options: ClientOptions): Promise<ClientStats> {
  const stats: ClientStats = { ackedValid: new Set(), ackedInvalid: new Set(), sentEvents: 0, requests: 0, failedRequests: 0 };
  let stopped = false;
  let abandoned = false;
  void options.stop.then(() => (stopped = true));
  void options.abandon.then(() => (abandoned = true));

  async function client(c: number): Promise<void> {
    const device = `${options.runTag}-device-${c}`;
    let seq = 0;
    let session = 1;
    while (!stopped) {
      const events: Record<string, unknown>[] = [];
      const valid: string[] = [];
      const invalid: string[] = [];
      for (let i = 0; i < options.eventsPerBatch; i++) {
        // UUID-shaped, as the event model requires: run tag, client, then a sequence number.
        const id = `${options.runTag}-${c.toString(16).padStart(4, '0')}-4000-8000-${(seq++).toString(16).padStart(12, '0')}`;
        const bad = options.random() < options.invalidShare;
        (bad ? invalid : valid).push(id);
        events.push(event(id, options.appId, device, session, seq % 20, bad));
      }
      if (seq % 200 < options.eventsPerBatch) session++;
      const body = JSON.stringify(events);
      stats.sentEvents += events.length;
      for (let attempt = 0; !abandoned; attempt++) {
        stats.requests++;
        let ok = false;
        try {
          const res = await fetch(`${options.url()}/collect?appId=${options.appId}&platform=Web&upload_timestamp=${Date.now()}`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body,
            signal: AbortSignal.timeout(10_000),
          });
          await res.arrayBuffer();
          ok = res.status === 200;
        } catch {
          // Connection refused or reset while the server is down: retry, as the SDK would.
        }
        if (ok) {
          for (const id of valid) stats.ackedValid.add(id);
          for (const id of invalid) stats.ackedInvalid.add(id);
          break;
        }
        stats.failedRequests++;
        await sleep(Math.min(2000, 50 * 2 ** Math.min(attempt, 6)) * (0.5 + options.random()));
      }
    }
  }

  await Promise.all(Array.from({ length: options.clients }, (_, c) => client(c)));
  return stats;
}
