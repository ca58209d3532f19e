/** @jsxRuntime automatic */
// Explorations: a form per kind (event, funnel, path, retention, attribution). Running writes the
// spec into the URL, so the result is shareable; saving stores it with the project.
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { analytics, download, explorations as savedApi, metadata as metadataApi } from '../api/analytics.js';
import type { ExplorationSpec, QueryContext, SavedExploration } from '../api/analytics-types.js';
import { attributionResult, eventResult, funnelResult, pathResult, retentionResult } from '../api/results.js';
import { ContextBar, useQueryContext } from '../components/context-bar.js';
import { Async, Empty, ErrorState } from '../components/states.js';
import { Card, Dialog, Field, Guard, PageHead } from '../components/ui.js';
import { AttributionBuilder, EVENT_LIST_ID, EventBuilder, FunnelBuilder, PathBuilder, RetentionBuilder } from '../explore/builders.js';
import { AttributionResultView, EventResultView, FunnelResultView, PathResultView, RetentionResultView } from '../explore/results.js';
import { EXPLORATIONS, type ExplorationKind } from '../lib/dashboards-list.js';
import { cleanSpec, specFromSearch, specProblems } from '../lib/exploration-specs.js';
import { formatTime } from '../lib/format.js';
import { PRESETS } from '../lib/query-state.js';
import { Link, navigate, useLocation, withQuery } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { useWorkspace } from '../lib/workspace.js';

const DESCRIPTIONS: Record<ExplorationKind, string> = {
  event: 'A metric of chosen events over time, optionally broken down by a dimension.',
  funnel: 'How many users go through steps in order, where they drop off and how long each step takes.',
  path: 'What users do after (or before) an event or page, as a flow.',
  retention: 'Of the users who did one event, how many came back to do another, by day, week or month.',
  attribution: 'Which traffic sources get credit for a goal event, under a chosen model.',
};

export function ExplorePage({ appId, kind }: { appId: string; kind?: string }) {
  if (!kind) return <ExplorationsHome appId={appId} />;
  const meta = EXPLORATIONS.find((e) => e.id === kind);
  if (!meta) return <ErrorState title="No such exploration" error={new Error(`Unknown exploration kind “${kind}”.`)} />;
  return <Explorer appId={appId} kind={meta.id} />;
}

const exploreUrl = (appId: string, kind: string, query: Record<string, string | undefined> = {}) => withQuery(`/apps/${encodeURIComponent(appId)}/explore/${kind}`, query);

/** Opens a saved exploration with its spec and its period (absolute days, as saved). */
function savedUrl(appId: string, x: SavedExploration): string {
  const range = x.request.dateRange;
  return exploreUrl(appId, x.request.exploration.type, {
    spec: JSON.stringify(x.request.exploration),
    saved: x.id,
    name: x.name,
    ...('start' in range ? { from: range.start, to: range.end } : { range: PRESETS.find((p) => p.days === range.lastDays)?.id }),
    ...(x.request.timezone ? { tz: x.request.timezone } : {}),
  });
}

function ExplorationsHome({ appId }: { appId: string }) {
  const { apps } = useWorkspace();
  const app = apps.data?.find((a) => a.appId === appId);
  const saved = useResource(app ? `saved:${app.projectId}` : null, (signal) => savedApi.list(app!.projectId, signal));
  return (
    <>
      <PageHead title="Explorations" subtitle="Ask your own questions of the data. Saved explorations are shared by everyone in the project." />
      <div className="grid cols-3" style={{ marginBottom: 16 }}>
        {EXPLORATIONS.map((e) => (
          <Card key={e.id} title={e.title}>
            <p className="muted">{DESCRIPTIONS[e.id]}</p>
            <Link className="button" to={exploreUrl(appId, e.id)}>
              New {e.title.toLowerCase()} exploration
            </Link>
          </Card>
        ))}
      </div>
      <Card title="Saved in this project" flush>
        <Async resource={saved} isEmpty={(l) => l.length === 0} empty={<Empty title="Nothing saved yet">Build an exploration and press Save.</Empty>}>
          {(list) => <SavedTable appId={appId} projectId={app?.projectId ?? ''} list={list} onChanged={saved.reload} />}
        </Async>
      </Card>
    </>
  );
}

function SavedTable({ appId, projectId, list, onChanged }: { appId: string; projectId: string; list: SavedExploration[]; onChanged: () => void }) {
  const [error, setError] = useState<Error>();
  return (
    <div className="table-wrap">
      {error && <p className="alert" role="alert">{error.message}</p>}
      <table>
        <thead>
          <tr>
            <th>Name</th>
            <th>Kind</th>
            <th>By</th>
            <th>Updated</th>
            <th>
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {list.map((x) => (
            <tr key={x.id}>
              <td>
                <Link to={savedUrl(appId, x)}>{x.name}</Link>
                {x.description && <div className="muted small">{x.description}</div>}
              </td>
              <td>{x.request.exploration.type}</td>
              <td>{x.updatedBy}</td>
              <td>{formatTime(x.updatedAt)}</td>
              <td className="num">
                <Guard permission="analytics:write" hide>
                  {() => (
                    <button type="button" className="small danger" onClick={() => savedApi.remove(projectId, x.id).then(onChanged, (e: Error) => setError(e))}>
                      Delete
                    </button>
                  )}
                </Guard>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Explorer({ appId, kind }: { appId: string; kind: ExplorationKind }) {
  const { apps } = useWorkspace();
  const app = apps.data?.find((a) => a.appId === appId);
  const { search } = useLocation();
  const [context, setContext] = useQueryContext(app?.timezone ?? 'UTC');
  const specParam = search.get('spec');
  const ran = useMemo(() => (specParam ? specFromSearch(kind, specParam) : undefined), [kind, specParam]);
  const [draft, setDraft] = useState<ExplorationSpec>(() => specFromSearch(kind, specParam));
  useEffect(() => setDraft(specFromSearch(kind, specParam)), [kind, specParam]);
  const problems = specProblems(draft);
  const events = useResource(`meta:${appId}`, (signal) => metadataApi.get(appId, signal));
  const result = useResource(ran ? `explore:${appId}:${JSON.stringify(ran)}:${JSON.stringify(context)}` : null, (signal) => analytics.explore(appId, cleanSpec(ran!), context, signal));
  const [saving, setSaving] = useState(false);
  const [exportError, setExportError] = useState<Error>();
  const title = EXPLORATIONS.find((e) => e.id === kind)!.title;

  const run = (e: FormEvent) => {
    e.preventDefault();
    if (Object.keys(problems).length) return;
    const params = new URLSearchParams(window.location.search);
    params.set('spec', JSON.stringify(cleanSpec(draft)));
    navigate(`${window.location.pathname}?${params}`);
  };
  const exportCsv = async () => {
    if (!ran) return;
    setExportError(undefined);
    try {
      download(`${appId}-${kind}-${context.from}-${context.to}.csv`, await analytics.exploreCsv(appId, cleanSpec(ran), context));
    } catch (error) {
      setExportError(error as Error);
    }
  };

  return (
    <>
      <PageHead
        title={search.get('name') ? `${search.get('name')}` : `${title} exploration`}
        subtitle={
          <>
            <Link to={`/apps/${encodeURIComponent(appId)}/explore`}>Explorations</Link> · {DESCRIPTIONS[kind]}
          </>
        }
        actions={
          <Guard permission="analytics:write">
            {(ok, why) => (
              <button type="button" disabled={!ok || !ran} title={why ?? (!ran ? 'Run it first' : undefined)} onClick={() => setSaving(true)}>
                Save…
              </button>
            )}
          </Guard>
        }
      />
      <nav className="tabs" aria-label="Exploration kinds">
        {EXPLORATIONS.map((e) => (
          <Link key={e.id} to={exploreUrl(appId, e.id)} aria-current={e.id === kind ? 'page' : undefined}>
            {e.title}
          </Link>
        ))}
      </nav>
      <ContextBar context={context} onChange={setContext} onExport={ran ? () => void exportCsv() : undefined} hideCompare />
      {exportError && <p className="alert" role="alert">CSV export failed: {exportError.message}</p>}
      <datalist id={EVENT_LIST_ID}>
        {(events.data?.events ?? []).map((e) => (
          <option key={e.name} value={e.name}>
            {e.displayName || undefined}
          </option>
        ))}
      </datalist>
      <div className="grid builder-layout">
        <Card title="Build">
          <form onSubmit={run} className="stack" aria-label={`${title} exploration`}>
            {draft.type === 'event' && <EventBuilder spec={draft} onChange={setDraft} problems={problems} />}
            {draft.type === 'funnel' && <FunnelBuilder spec={draft} onChange={setDraft} problems={problems} />}
            {draft.type === 'path' && <PathBuilder spec={draft} onChange={setDraft} problems={problems} />}
            {draft.type === 'retention' && <RetentionBuilder spec={draft} onChange={setDraft} problems={problems} />}
            {draft.type === 'attribution' && <AttributionBuilder spec={draft} onChange={setDraft} problems={problems} />}
            <button type="submit" className="primary" disabled={Object.keys(problems).length > 0}>
              Run
            </button>
          </form>
        </Card>
        <div>
          <Card title="Result" subtitle={ran ? `${context.from} – ${context.to} (${context.timezone})` : undefined}>
            {!ran ? (
              <Empty title="Build a question and press Run" />
            ) : (
              <Async resource={result} rows={6}>
                {(r) => (
                  <div className="stack" data-testid="exploration-result">
                    {ran.type === 'event' && <EventResultView result={eventResult(r)} />}
                    {ran.type === 'funnel' && <FunnelResultView result={funnelResult(r)} />}
                    {ran.type === 'path' && <PathResultView result={pathResult(r, ran.direction)} />}
                    {ran.type === 'retention' && <RetentionResultView result={retentionResult(r, ran.granularity)} />}
                    {ran.type === 'attribution' && <AttributionResultView result={attributionResult(r, ran.model)} />}
                  </div>
                )}
              </Async>
            )}
          </Card>
        </div>
      </div>
      {saving && ran && app && <SaveDialog projectId={app.projectId} appId={appId} spec={cleanSpec(ran)} context={context} onClose={() => setSaving(false)} />}
    </>
  );
}

function SaveDialog({ projectId, appId, spec, context, onClose }: { projectId: string; appId: string; spec: ExplorationSpec; context: QueryContext; onClose: () => void }) {
  const { search } = useLocation();
  const [name, setName] = useState(search.get('name') ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const savedId = search.get('saved') ?? undefined;
  const save = async (asNew: boolean) => {
    setBusy(true);
    setError(undefined);
    try {
      const saved = await savedApi.save(projectId, { id: asNew ? undefined : savedId, appId, name: name.trim(), spec, context });
      const params = new URLSearchParams(window.location.search);
      params.set('saved', saved.id);
      params.set('name', saved.name);
      navigate(`${window.location.pathname}?${params}`, { replace: true });
      onClose();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title="Save exploration"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          {savedId && (
            <button type="button" disabled={busy || !name.trim()} onClick={() => void save(true)}>
              Save as new
            </button>
          )}
          <button type="button" className="primary" disabled={busy || !name.trim()} onClick={() => void save(false)}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <Field label="Name" hint="Everyone in the project sees saved explorations.">
        {(p) => <input {...p} value={name} onChange={(e) => setName(e.target.value)} maxLength={128} autoFocus />}
      </Field>
      {error && <p className="alert" role="alert" style={{ marginTop: 12 }}>{error.message}</p>}
    </Dialog>
  );
}
