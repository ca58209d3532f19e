// The tracking snippets the console hands out for an app (pure: tested in test/snippet.test.ts).

export interface SnippetTarget {
  appId: string;
  /** The ingest URL, e.g. `https://analytics.example.com/collect`. */
  endpoint: string;
  /** Where the SDK's script build (clickstream.iife.js) is served from. */
  sdkUrl: string;
}

/** The copy-paste `<script>` snippet of sdk/web (calls made before the SDK loads are queued). */
export function scriptSnippet({ appId, endpoint, sdkUrl }: SnippetTarget): string {
  return `<script>
!function(w,d,s,q){q=[];w.clickstream=w.clickstream||{q:q};"init record setUserId setUserAttributes setGlobalAttributes flush optOut optIn setConsent".split(" ").forEach(function(m){w.clickstream[m]=function(){q.push([m,[].slice.call(arguments)])}});s=d.createElement("script");s.async=1;s.src=${JSON.stringify(sdkUrl)};d.head.appendChild(s)}(window,document);
clickstream.init({ appId: ${JSON.stringify(appId)}, endpoint: ${JSON.stringify(endpoint)} });
</script>`;
}

export function npmSnippet({ appId, endpoint }: SnippetTarget): string {
  return `npm install @clickstream/sdk-web

import { init, record } from '@clickstream/sdk-web';

init({ appId: ${JSON.stringify(appId)}, endpoint: ${JSON.stringify(endpoint)} });
record({ name: 'add_to_cart', attributes: { product_id: 'sku-123' } });`;
}

/** A test event with curl, in the AWS Clickstream wire format. */
export function curlSnippet({ appId, endpoint }: SnippetTarget): string {
  return `curl -X POST '${endpoint}?appId=${appId}&platform=Web' \\
  -H 'content-type: application/json' \\
  -d '[{"event_type":"hello","event_id":"'$(cat /proc/sys/kernel/random/uuid)'","timestamp":'$(date +%s000)',"app_id":"${appId}","unique_id":"curl"}]'`;
}

/** Where this console's own server takes events and serves the SDK (embedded mode: one origin). */
export function defaultTarget(appId: string, origin: string, ingestUrl?: string): SnippetTarget {
  return { appId, endpoint: ingestUrl ?? `${origin}/collect`, sdkUrl: `${origin}/demo/clickstream.js` };
}
