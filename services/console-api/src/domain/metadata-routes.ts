import { badRequest } from '@clickstream/lambda-kit';
import * as z from 'zod';
import type { DiscoveredMetadata } from '../ports/analytics.js';
import { defineRoute, type ConsoleRoute } from './console-route.js';
import { appIdParam, requireApp } from './control-plane.js';
import type { MetadataAnnotation, MetadataKind } from './model.js';

const KINDS: Record<string, MetadataKind> = { events: 'event', attributes: 'attribute' };
const Name = z.string().min(1).max(256);
const Annotate = z.object({ displayName: z.string().trim().max(256).default(''), description: z.string().trim().max(2_000).default('') }).strict();

function kindParam(value: string | undefined): MetadataKind {
  const kind = value ? KINDS[value] : undefined;
  if (!kind) throw badRequest('INVALID_KIND', 'kind: events or attributes');
  return kind;
}
function nameParam(value: string | undefined): string {
  const parsed = Name.safeParse(value);
  if (!parsed.success) throw badRequest('INVALID_NAME', 'name: 1-256 characters');
  return parsed.data;
}

const Entry = z.object({
  name: z.string(),
  displayName: z.string(),
  description: z.string(),
  updatedBy: z.string().nullable(),
  updatedAt: z.string().nullable(),
  count: z.number().nullable(),
  firstSeen: z.string().nullable(),
  lastSeen: z.string().nullable(),
});

/** Discovered names with their annotations; annotated names not (or no longer) in the data are listed too. */
export function mergeMetadata(discovered: DiscoveredMetadata, annotations: readonly MetadataAnnotation[]) {
  const merge = <D extends { name: string; count: number; firstSeen: string | null; lastSeen: string | null }>(kind: MetadataKind, found: readonly D[]) => {
    const notes = new Map(annotations.filter((a) => a.kind === kind).map((a) => [a.name, a]));
    const names = [...new Set([...found.map((d) => d.name), ...notes.keys()])].sort();
    const byName = new Map(found.map((d) => [d.name, d]));
    return names.map((name) => {
      const d = byName.get(name);
      const a = notes.get(name);
      return {
        ...(d ?? {}),
        name,
        displayName: a?.displayName ?? '',
        description: a?.description ?? '',
        updatedBy: a?.updatedBy ?? null,
        updatedAt: a?.updatedAt ?? null,
        count: d?.count ?? null,
        firstSeen: d?.firstSeen ?? null,
        lastSeen: d?.lastSeen ?? null,
      };
    });
  };
  return { events: merge('event', discovered.events), attributes: merge('attribute', discovered.attributes) };
}

export const metadataRoutes: ConsoleRoute[] = [
  defineRoute({
    method: 'GET',
    path: '/api/apps/:appId/metadata',
    summary: 'Event and attribute names seen in the data (counts, types, first/last seen) with their display names and descriptions',
    permission: 'analytics:read',
    response: z.object({
      appId: z.string(),
      events: z.array(Entry),
      attributes: z.array(Entry.extend({ scope: z.enum(['event', 'user']).optional(), types: z.array(z.string()).optional() })),
    }),
    run: async ({ params }, ports) => {
      const app = await requireApp(ports, appIdParam(params.appId));
      const [discovered, annotations] = await Promise.all([ports.analytics.discoverMetadata(app.appId), ports.metadata.list(app.appId)]);
      return { status: 200, body: { appId: app.appId, ...mergeMetadata(discovered, annotations) } };
    },
  }),
  defineRoute({
    method: 'PUT',
    path: '/api/apps/:appId/metadata/:kind/:name',
    summary: 'Set the display name and description of an event (kind=events) or attribute (kind=attributes); both empty removes them',
    permission: 'metadata:write',
    body: Annotate,
    run: async ({ params, body, principal }, ports) => {
      const app = await requireApp(ports, appIdParam(params.appId));
      const kind = kindParam(params.kind);
      const name = nameParam(params.name);
      if (!body.displayName && !body.description) {
        await ports.metadata.remove(app.appId, kind, name);
        return { status: 200, body: { appId: app.appId, kind, name, displayName: '', description: '' } };
      }
      const annotation: MetadataAnnotation = {
        appId: app.appId,
        kind,
        name,
        displayName: body.displayName,
        description: body.description,
        updatedBy: principal?.name ?? principal?.subject ?? 'unknown',
        updatedAt: new Date(ports.clock.now()).toISOString(),
      };
      await ports.metadata.put(annotation);
      return { status: 200, body: annotation };
    },
  }),
  defineRoute({
    method: 'DELETE',
    path: '/api/apps/:appId/metadata/:kind/:name',
    summary: 'Remove the display name and description of an event or attribute',
    permission: 'metadata:write',
    successStatus: 204,
    run: async ({ params }, ports) => {
      const app = await requireApp(ports, appIdParam(params.appId));
      await ports.metadata.remove(app.appId, kindParam(params.kind), nameParam(params.name));
      return { status: 204, body: undefined };
    },
  }),
];
