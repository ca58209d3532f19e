// The web console's AWS hosting as declared in serverless.yml: a private bucket read only through
// CloudFront's origin access control, the single-page fallback that leaves the API alone, /api/*
// routed uncached to this service's HTTP API on the same origin, caching by file kind, and the
// security headers (the CSP itself is exercised in Chromium by embedded/test/console.e2e.test.ts).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';

type Node = Record<string, unknown>;
const here = new URL('../', import.meta.url);
const consoleDir = new URL('../../../console/', import.meta.url);

/** serverless.yml with `${param:X}` (params.default) and `${sls:stage}` filled in, as osls does. */
function readService(): { resources: Record<string, { Type: string; Properties: Node }>; outputs: Node; functions: Node; params: Record<string, string> } {
  const text = readFileSync(new URL('serverless.yml', here), 'utf8');
  const params = (parseYaml(text) as { params: { default: Record<string, string> } }).params.default;
  const resolved = text
    // Comments mention `${param:X}` too: only names with a default are references.
    .replace(/\$\{param:(\w+)\}/g, (m, name: string) => (name in params ? String(params[name]) : m))
    .replace(/\$\{sls:stage\}/g, 'dev');
  const root = parseYaml(resolved) as { resources: { Resources: never; Outputs: Node }; functions: Node };
  return { resources: root.resources.Resources, outputs: root.resources.Outputs, functions: root.functions, params };
}

const { resources, outputs, functions, params } = readService();
const resource = (id: string) => {
  const r = resources[id];
  assert.ok(r, `no resource ${id}`);
  return r;
};
const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);
const distribution = resource('ConsoleDistribution').Properties.DistributionConfig as {
  DefaultRootObject: string;
  Origins: { Id: string; DomainName: unknown; OriginAccessControlId?: unknown; S3OriginConfig?: { OriginAccessIdentity: string }; CustomOriginConfig?: Node }[];
  DefaultCacheBehavior: Behaviour;
  CacheBehaviors: (Behaviour & { PathPattern: string })[];
  CustomErrorResponses?: unknown;
};
interface Behaviour {
  TargetOriginId: string;
  ViewerProtocolPolicy: string;
  AllowedMethods: string[];
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
  Compress?: boolean;
}
const behaviour = (pattern: string) => {
  const b = distribution.CacheBehaviors.find((x) => x.PathPattern === pattern);
  assert.ok(b, `no cache behaviour for ${pattern}`);
  return b;
};
const origin = (id: string) => {
  const o = distribution.Origins.find((x) => x.Id === id);
  assert.ok(o, `no origin ${id}`);
  return o;
};
const ref = (v: unknown) => (v as { Ref?: string }).Ref;
const headersPolicy = (b: Behaviour) => resource(ref(b.ResponseHeadersPolicyId)!).Properties.ResponseHeadersPolicyConfig as {
  SecurityHeadersConfig: Node;
  CustomHeadersConfig?: { Items: { Header: string; Value: string; Override: boolean }[] };
};
const cachePolicy = (b: Behaviour) => resource(ref(b.CachePolicyId)!).Properties.CachePolicyConfig as { MinTTL: number; DefaultTTL: number; MaxTTL: number };
const cacheControl = (b: Behaviour) => headersPolicy(b).CustomHeadersConfig?.Items.find((i) => i.Header.toLowerCase() === 'cache-control');

// AWS managed policies (same ids in every account).
const MANAGED_CACHING_DISABLED = '4135ea2d-6df8-44a3-9df3-4b5a84be39ad';
const MANAGED_ALL_VIEWER_EXCEPT_HOST = 'b689b0a8-53d0-40ab-baf2-68738e2966ac';

describe('console hosting: the bucket', () => {
  const bucket = resource('ConsoleBucket').Properties;
  const statements = (resource('ConsoleBucketPolicy').Properties.PolicyDocument as { Statement: { Sid: string; Effect: string; Principal: unknown; Action: string; Condition?: Node }[] }).Statement;

  it('blocks every kind of public access and encrypts at rest', () => {
    assert.deepEqual(bucket.PublicAccessBlockConfiguration, { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const sse = (bucket.BucketEncryption as { ServerSideEncryptionConfiguration: { ServerSideEncryptionByDefault: { SSEAlgorithm: string } }[] }).ServerSideEncryptionConfiguration;
    assert.equal(sse[0]?.ServerSideEncryptionByDefault.SSEAlgorithm, 'AES256');
  });

  it('refuses requests without TLS', () => {
    const deny = statements.find((s) => s.Effect === 'Deny');
    assert.ok(deny);
    assert.equal(deny.Action, 's3:*');
    assert.deepEqual(deny.Condition, { Bool: { 'aws:SecureTransport': 'false' } });
  });

  it('lets only this distribution read, through its SourceArn', () => {
    const allows = statements.filter((s) => s.Effect === 'Allow');
    assert.ok(allows.length > 0);
    for (const s of allows) {
      assert.deepEqual(s.Principal, { Service: 'cloudfront.amazonaws.com' }, `${s.Sid}: principal`);
      assert.ok(['s3:GetObject', 's3:ListBucket'].includes(s.Action), `${s.Sid}: read-only (${s.Action})`);
      const arn = (s.Condition as { StringEquals: { 'AWS:SourceArn': { 'Fn::Sub': string } } }).StringEquals['AWS:SourceArn']['Fn::Sub'];
      assert.match(arn, /:cloudfront::\$\{AWS::AccountId\}:distribution\/\$\{ConsoleDistribution\}$/, `${s.Sid}: SourceArn`);
    }
  });
});

describe('console hosting: the distribution', () => {
  it('reads the bucket through origin access control (no legacy identity)', () => {
    const files = origin(distribution.DefaultCacheBehavior.TargetOriginId);
    assert.deepEqual(files.DomainName, { 'Fn::GetAtt': ['ConsoleBucket', 'RegionalDomainName'] });
    assert.deepEqual(files.OriginAccessControlId, { 'Fn::GetAtt': ['ConsoleOriginAccessControl', 'Id'] });
    assert.equal(files.S3OriginConfig?.OriginAccessIdentity, '');
    const oac = resource('ConsoleOriginAccessControl').Properties.OriginAccessControlConfig as Node;
    assert.equal(oac.OriginAccessControlOriginType, 's3');
    assert.equal(oac.SigningBehavior, 'always');
    assert.equal(oac.SigningProtocol, 'sigv4');
  });

  it('answers / with index.html and has no distribution-wide error pages (they would swallow API errors)', () => {
    assert.equal(distribution.DefaultRootObject, 'index.html');
    assert.equal(distribution.CustomErrorResponses, undefined);
  });

  describe('the single-page fallback (viewer-request function on the file behaviour only)', () => {
    const fn = resource('ConsoleSpaRoutes').Properties as { FunctionCode: string; FunctionConfig: { Runtime: string } };
    // The function as CloudFront runs it: `handler(event)` answering the (possibly rewritten) request.
    const handler = new Function(`${fn.FunctionCode}\nreturn handler;`)() as (e: { request: { uri: string } }) => { uri: string };
    const rewrite = (uri: string) => handler({ request: { uri } }).uri;

    it('is associated with the default behaviour and nowhere else', () => {
      const associations = distribution.DefaultCacheBehavior.FunctionAssociations ?? [];
      assert.deepEqual(associations, [{ EventType: 'viewer-request', FunctionARN: { 'Fn::GetAtt': ['ConsoleSpaRoutes', 'FunctionARN'] } }]);
      for (const b of distribution.CacheBehaviors) assert.equal(b.FunctionAssociations, undefined, `${b.PathPattern} must not rewrite`);
      assert.equal(fn.FunctionConfig.Runtime, 'cloudfront-js-2.0');
    });

    it('answers the app routes with /index.html', () => {
      for (const uri of ['/', '/projects', '/projects/demo/pipeline/history', '/apps/shop_web/dashboards/overview', '/auth/callback', '/users/'])
        assert.equal(rewrite(uri), '/index.html', uri);
    });

    it('leaves files alone, so a missing file is a 404 and not the app', () => {
      for (const uri of ['/index.html', '/main.js', '/main.css', '/main.js.map', '/chunks/pipeline-ABCD1234.js', '/favicon.ico'])
        assert.equal(rewrite(uri), uri, uri);
    });
  });

  describe('/api/* goes to the HTTP API of this service, same origin', () => {
    const api = behaviour('/api/*');

    it('targets the HttpApi over HTTPS', () => {
      const o = origin(api.TargetOriginId);
      assert.deepEqual(o.DomainName, { 'Fn::Sub': '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}' });
      assert.equal(o.CustomOriginConfig?.OriginProtocolPolicy, 'https-only');
      assert.equal(o.S3OriginConfig, undefined);
    });

    it('every route of the API is under /api/ (so all of it is reachable through the console origin)', () => {
      const paths = Object.values(functions).flatMap((f) => ((f as { events?: { httpApi?: { path: string } }[] }).events ?? []).flatMap((e) => (e.httpApi ? [e.httpApi.path] : [])));
      assert.ok(paths.length > 0);
      for (const p of paths) assert.ok(p.startsWith('/api/'), p);
    });

    it('is never cached, forwards every viewer header but Host, every cookie and query string, and takes every method', () => {
      assert.equal(api.CachePolicyId, MANAGED_CACHING_DISABLED);
      assert.equal(api.OriginRequestPolicyId, MANAGED_ALL_VIEWER_EXCEPT_HOST);
      assert.deepEqual([...api.AllowedMethods].sort(), ['DELETE', 'GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT']);
      assert.equal(api.ViewerProtocolPolicy, 'https-only', 'a redirect would turn a POST into a GET');
    });

    it('keeps the API answers\' own Cache-Control', () => {
      assert.equal(cacheControl(api), undefined);
    });
  });

  describe('caching by kind of file', () => {
    it('content-hashed /chunks/* and /assets/* are immutable for a year', () => {
      for (const pattern of ['/chunks/*', '/assets/*']) {
        const b = behaviour(pattern);
        assert.equal(b.TargetOriginId, distribution.DefaultCacheBehavior.TargetOriginId);
        assert.ok(cachePolicy(b).MinTTL >= 31_536_000, `${pattern}: edge TTL`);
        assert.deepEqual(cacheControl(b), { Header: 'Cache-Control', Value: 'public, max-age=31536000, immutable', Override: true });
      }
    });

    it('index.html and the stable-named entry files are revalidated on every load', () => {
      const d = distribution.DefaultCacheBehavior;
      assert.equal(cachePolicy(d).MinTTL, 0, 'no-cache must be honoured at the edge');
      assert.equal(cachePolicy(d).DefaultTTL, 0);
      assert.deepEqual(cacheControl(d), { Header: 'Cache-Control', Value: 'no-cache', Override: true });
    });

    it('compresses and redirects plain HTTP everywhere', () => {
      for (const b of [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors]) {
        assert.equal(b.Compress, true);
        assert.ok(['redirect-to-https', 'https-only'].includes(b.ViewerProtocolPolicy));
      }
    });
  });

  describe('security headers', () => {
    const behaviours = [distribution.DefaultCacheBehavior, ...distribution.CacheBehaviors];

    it('every behaviour sends HSTS, nosniff, frame DENY and the CSP', () => {
      for (const b of behaviours) {
        const h = headersPolicy(b).SecurityHeadersConfig as {
          StrictTransportSecurity: { AccessControlMaxAgeSec: number; Override: boolean };
          ContentTypeOptions: { Override: boolean };
          FrameOptions: { FrameOption: string };
          ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Sub': string } };
        };
        assert.ok(h.StrictTransportSecurity.AccessControlMaxAgeSec >= 31_536_000);
        assert.equal(h.ContentTypeOptions.Override, true);
        assert.equal(h.FrameOptions.FrameOption, 'DENY');
        assert.ok(h.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Sub']);
      }
    });

    const csp = (
      (resource('ConsoleAppShellHeadersPolicy').Properties.ResponseHeadersPolicyConfig as { SecurityHeadersConfig: { ContentSecurityPolicy: { ContentSecurityPolicy: { 'Fn::Sub': string } } } })
        .SecurityHeadersConfig.ContentSecurityPolicy.ContentSecurityPolicy['Fn::Sub']
    );
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([name, ...values]) => [name!, values]));

    it('runs only the console\'s own scripts (no inline, no eval) and cannot be framed', () => {
      assert.deepEqual(directives.get('script-src'), ["'self'"]);
      assert.deepEqual(directives.get('default-src'), ["'self'"]);
      assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
      assert.deepEqual(directives.get('object-src'), ["'none'"]);
      assert.ok(!csp.includes('unsafe-eval'));
    });

    it('lets the browser call its API and the identity provider (consoleConnectSources)', () => {
      assert.deepEqual(directives.get('connect-src'), ["'self'", ...params.consoleConnectSources!.split(/\s+/)]);
    });

    it('the built index.html needs nothing the CSP refuses (no inline script or handler)', () => {
      const html = readFileSync(new URL('index.html', consoleDir), 'utf8');
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.ok(scripts.length > 0);
      for (const [, attrs, body] of scripts) {
        assert.match(attrs!, /\bsrc="\/[^"]+"/, 'scripts come from the console origin');
        assert.equal(body!.trim(), '', 'no inline script');
      }
      assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    });
  });

  it('outputs the console URL, its bucket and the distribution id (console/deploy.mjs reads them)', () => {
    assert.deepEqual(outputs.ConsoleUrl, { Value: { 'Fn::Join': ['', ['https://', { 'Fn::GetAtt': ['ConsoleDistribution', 'DomainName'] }]] } });
    assert.deepEqual(outputs.ConsoleBucketName, { Value: { Ref: 'ConsoleBucket' } });
    assert.deepEqual(outputs.ConsoleDistributionId, { Value: { Ref: 'ConsoleDistribution' } });
    assert.equal(ofType('AWS::CloudFront::Distribution').length, 1);
  });
});
