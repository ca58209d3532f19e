/** @jsxRuntime automatic */
// The pipeline builder: the project's pipeline drawn as Ingest → Process → Model → Dashboards, each
// stage's settings editable in place with errors on the field, a diff before saving, the version
// history, and each stage's live health over the project's apps.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { apps as appsApi, pipeline as pipelineApi } from '../api/control.js';
import { ApiError, type FieldIssue } from '../api/http.js';
import type { PipelineConfig, PipelineVersion, PipelineVersionSummary } from '../api/types.js';
import { Async, Empty } from '../components/states.js';
import { Badge, Card, Dialog, Field, PageHead } from '../components/ui.js';
import { useAuth } from '../lib/auth.js';
import { formatTime } from '../lib/format.js';
import { configIssues, describeValue, diffConfig, issueFor, KNOWN_ENRICHERS, retentionLines, stageStatuses, validatePipeline, type StageId, type StageStatus } from '../lib/pipeline-model.js';
import { Link } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';
import { useWorkspace } from '../lib/workspace.js';

export function PipelinePage({ projectId, tab }: { projectId: string; tab: 'builder' | 'history' }) {
  const current = useResource(`pipeline:${projectId}`, (signal) => pipelineApi.current(projectId, signal));
  const history = useResource(`pipeline-history:${projectId}`, (signal) => pipelineApi.history(projectId, signal));
  const pid = encodeURIComponent(projectId);
  // Kept here: a save remounts the builder on the new version, and the notice must survive it.
  const [notice, setNotice] = useState<string>();
  const reloadAll = (message: string) => {
    setNotice(message);
    current.reload();
    history.reload();
  };
  return (
    <>
      <PageHead
        title="Pipeline"
        subtitle={
          <>
            Project <Link to={`/projects/${pid}`}>{projectId}</Link>
            {current.data &&
              (current.data.version === 0 ? (
                <> · running on the defaults (never saved)</>
              ) : (
                <>
                  {' '}
                  · version {current.data.version}, saved by {current.data.changedBy} {formatTime(current.data.changedAt)}
                </>
              ))}
          </>
        }
      />
      <nav className="tabs" aria-label="Pipeline views">
        <Link to={`/projects/${pid}/pipeline`} activeMatch="exact">
          Builder
        </Link>
        <Link to={`/projects/${pid}/pipeline/history`} activeMatch="exact">
          History{history.data ? ` (${history.data.length})` : ''}
        </Link>
      </nav>
      {notice && tab === 'builder' && (
        <p className="alert good" role="status" style={{ marginBottom: 16 }}>
          {notice}
        </p>
      )}
      {tab === 'builder' ? (
        <Async resource={current} rows={6}>
          {(v) => <Builder key={v.version} projectId={projectId} saved={v} onSaved={reloadAll} onEdit={() => setNotice(undefined)} />}
        </Async>
      ) : (
        <Async resource={history} isEmpty={(list) => list.length === 0} empty={<Card><Empty title="No versions yet">The project runs on the default configuration until someone saves one.</Empty></Card>}>
          {(list) => <History projectId={projectId} versions={list} />}
        </Async>
      )}
    </>
  );
}

function useProjectHealth(projectId: string) {
  const { apps } = useWorkspace();
  const { can } = useAuth();
  const ids = (apps.data ?? []).filter((a) => a.projectId === projectId).map((a) => a.appId);
  const key = can('health:read') && apps.data ? `health:${ids.join(',')}` : null;
  return useResource(key, (signal) => Promise.all(ids.map((id) => appsApi.health(id, signal))), { pollMs: 10_000 });
}

function Builder({ projectId, saved, onSaved, onEdit }: { projectId: string; saved: PipelineVersion; onSaved: (notice: string) => void; onEdit: () => void }) {
  const { can } = useAuth();
  const editable = can('pipeline:write');
  const [draft, setDraft] = useState<PipelineConfig>(() => structuredClone(saved.config));
  const [serverIssues, setServerIssues] = useState<FieldIssue[]>([]);
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  const [checking, setChecking] = useState(false);
  const [comment, setComment] = useState('');
  const [saveError, setSaveError] = useState<Error>();
  const health = useProjectHealth(projectId);

  const localIssues = useMemo(() => validatePipeline(draft), [draft]);
  const issues = [...localIssues, ...serverIssues.filter((s) => !localIssues.some((l) => l.path.join('.') === s.path.join('.')))];
  const changes = useMemo(() => diffConfig(saved.config, draft), [saved.config, draft]);
  const err = (path: string) => issueFor(issues, path);

  const update = (mutate: (c: PipelineConfig) => void) => {
    onEdit();
    setServerIssues([]);
    setDraft((d) => {
      const next = structuredClone(d);
      mutate(next);
      return next;
    });
  };

  /** The API checks the whole configuration first: its issues land on the fields, else the diff shows. */
  const review = async () => {
    setChecking(true);
    setSaveError(undefined);
    try {
      const result = await pipelineApi.validate(projectId, draft);
      const found = configIssues(result.issues.map((i) => ({ path: i.path.split('.'), message: i.message })));
      setServerIssues(found);
      if (found.length === 0) setReviewing(true);
    } catch (error) {
      setSaveError(error as Error);
    } finally {
      setChecking(false);
    }
  };

  const save = async () => {
    setSaving(true);
    setSaveError(undefined);
    try {
      const v = await pipelineApi.save(projectId, draft, saved.version, comment.trim() || undefined);
      setReviewing(false);
      onSaved(v.saved ? `Saved version ${v.version}. Every app of the project gets it with the next processing run.` : `Nothing to save: version ${v.version} already has this configuration.`);
    } catch (error) {
      setReviewing(false);
      if (error instanceof ApiError && error.issues.length) setServerIssues(configIssues(error.issues));
      else setSaveError(error instanceof ApiError && error.status === 409 ? new Error('Someone saved a newer version meanwhile. Reload to see it, then apply your change again.') : (error as Error));
    } finally {
      setSaving(false);
    }
  };

  const statuses = health.data ? stageStatuses(health.data) : undefined;
  const retention = health.data ? retentionLines(health.data) : [];
  const numberInput = (path: string, value: number, set: (n: number) => void, props: { min: number; max: number; unit: string }) => (
    <Field label={LABELS[path]!} hint={`${props.min}–${props.max} ${props.unit}`} error={err(path)}>
      {(p) => <input {...p} name={path} type="number" inputMode="numeric" min={props.min} max={props.max} value={Number.isNaN(value) ? '' : value} disabled={!editable} onChange={(e) => set(e.target.value === '' ? Number.NaN : Number(e.target.value))} />}
    </Field>
  );

  return (
    <div className="stack">
      {saveError && <p className="alert" role="alert">{saveError.message}</p>}
      {!editable && <p className="alert info">Read only: changing the pipeline needs the Admin or Operator role.</p>}
      {health.error && <p className="alert small">Health unavailable: {health.error.message}</p>}
      <div className="stages" aria-label="Pipeline stages">
        <Stage n={1} id="ingest" title="Ingest" subtitle="Collect endpoint → stream" status={statuses?.ingest} healthLoading={health.loading && !health.data}>
          <Field label="Stream sink" hint="AWS: Kinesis Data Streams, or Firehose straight to S3" error={err('ingest.sink')}>
            {(p) => (
              <select {...p} name="ingest.sink" value={draft.ingest.sink} disabled={!editable} onChange={(e) => update((c) => void (c.ingest.sink = e.target.value as 'kinesis' | 'firehose'))}>
                <option value="kinesis">Kinesis</option>
                <option value="firehose">Firehose</option>
              </select>
            )}
          </Field>
        </Stage>
        <Stage n={2} id="process" title="Process" subtitle="Clean, enrich, sessionize" status={statuses?.process} healthLoading={health.loading && !health.data}>
          {numberInput('process.intervalSeconds', draft.process.intervalSeconds, (n) => update((c) => void (c.process.intervalSeconds = n)), { min: 10, max: 86_400, unit: 'seconds' })}
          {numberInput('process.sessionTimeoutMinutes', draft.process.sessionTimeoutMinutes, (n) => update((c) => void (c.process.sessionTimeoutMinutes = n)), { min: 1, max: 1_440, unit: 'minutes' })}
          {numberInput('process.lateEventWindowHours', draft.process.lateEventWindowHours, (n) => update((c) => void (c.process.lateEventWindowHours = n)), { min: 1, max: 720, unit: 'hours' })}
          <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="label">Enrichers</legend>
            <div className="checks">
              {[...KNOWN_ENRICHERS.map((e) => e.id), ...draft.process.enrichers.filter((e) => !KNOWN_ENRICHERS.some((k) => k.id === e))].map((id) => {
                const known = KNOWN_ENRICHERS.find((k) => k.id === id);
                return (
                  <label key={id} title={known?.hint}>
                    <input
                      type="checkbox"
                      name={`enricher:${id}`}
                      checked={draft.process.enrichers.includes(id)}
                      disabled={!editable}
                      onChange={(e) => update((c) => void (c.process.enrichers = e.target.checked ? [...c.process.enrichers, id] : c.process.enrichers.filter((x) => x !== id)))}
                    />
                    {known?.label ?? id}
                  </label>
                );
              })}
            </div>
            {err('process.enrichers') && <span className="error" role="alert">{err('process.enrichers')}</span>}
          </fieldset>
          <div className="checks">
            <label>
              <input type="checkbox" name="process.anonymiseIp" checked={draft.process.anonymiseIp} disabled={!editable} onChange={(e) => update((c) => void (c.process.anonymiseIp = e.target.checked))} />
              Anonymise IP addresses
            </label>
          </div>
          <Plugins plugins={draft.process.plugins} editable={editable} issues={issues} onChange={(plugins) => update((c) => void (c.process.plugins = plugins))} />
          {retention.length > 0 && (
            <div className="field">
              <span className="label" id="retention-runs">
                Last retention run
              </span>
              <ul className="small" style={{ margin: 0, paddingLeft: 18 }} aria-labelledby="retention-runs">
                {retention.map((r) => (
                  <li key={r.appId}>
                    {r.appId}: {r.summary}
                    <br />
                    <span className="muted">{r.detail}</span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </Stage>
        <Stage n={3} id="model" title="Model" subtitle="Warehouse tables and views" status={statuses?.model} healthLoading={health.loading && !health.data}>
          <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
            <legend className="label">Warehouses</legend>
            <div className="checks">
              {(['athena', 'redshift'] as const).map((t) => (
                <label key={t}>
                  <input
                    type="checkbox"
                    name={`target:${t}`}
                    aria-invalid={err('model.targets') ? true : undefined}
                    checked={draft.model.targets.includes(t)}
                    disabled={!editable}
                    onChange={(e) => update((c) => void (c.model.targets = e.target.checked ? [...c.model.targets, t] : c.model.targets.filter((x) => x !== t)))}
                  />
                  {t === 'athena' ? 'Athena (S3 + Glue)' : 'Redshift'}
                </label>
              ))}
            </div>
            {err('model.targets') && <span className="error" role="alert">{err('model.targets')}</span>}
          </fieldset>
          {draft.model.targets.includes('redshift') &&
            numberInput('model.redshiftLoadIntervalMinutes', draft.model.redshiftLoadIntervalMinutes, (n) => update((c) => void (c.model.redshiftLoadIntervalMinutes = n)), { min: 1, max: 1_440, unit: 'minutes' })}
        </Stage>
        <Stage n={4} id="dashboards" title="Dashboards" subtitle="Queries, explorations" status={statuses?.dashboards} healthLoading={health.loading && !health.data}>
          <p className="muted small" style={{ margin: 0 }}>
            Dashboards and explorations read the warehouse views. Freshness is how far behind the newest queryable event is.
          </p>
          {health.data && health.data.some((h) => h.alarms.length) && (
            <ul className="small" style={{ margin: 0, paddingLeft: 18 }} aria-label="Alarms">
              {health.data.flatMap((h) =>
                h.alarms.map((a) => (
                  <li key={`${h.appId}-${a.code}`} style={{ color: a.severity === 'critical' ? 'var(--bad)' : 'var(--warn)' }}>
                    {h.appId}: {a.message}
                  </li>
                )),
              )}
            </ul>
          )}
        </Stage>
      </div>
      {editable && (
        <div className="row" style={{ justifyContent: 'flex-end' }}>
          <span className="muted small" aria-live="polite">
            {changes.length === 0 ? 'No unsaved changes' : `${changes.length} unsaved change${changes.length > 1 ? 's' : ''}`}
            {issues.length > 0 && ` · ${issues.length} problem${issues.length > 1 ? 's' : ''} to fix`}
          </span>
          <button type="button" disabled={changes.length === 0} onClick={() => { setDraft(structuredClone(saved.config)); setServerIssues([]); }}>
            Discard
          </button>
          <button type="button" className="primary" disabled={changes.length === 0 || localIssues.length > 0 || checking} onClick={() => void review()}>
            {checking ? 'Checking…' : 'Review and save…'}
          </button>
        </div>
      )}
      <Dialog
        open={reviewing}
        title={`Save version ${saved.version + 1}`}
        onClose={() => setReviewing(false)}
        footer={
          <>
            <button type="button" onClick={() => setReviewing(false)}>
              Keep editing
            </button>
            <button type="button" className="primary" disabled={saving} onClick={() => void save()}>
              {saving ? 'Saving…' : 'Save'}
            </button>
          </>
        }
      >
        <p className="muted">Changes against {saved.version === 0 ? 'the defaults' : `version ${saved.version}`}:</p>
        <DiffView changes={changes} />
        <div style={{ marginTop: 12 }}>
          <Field label="Comment (optional)" hint="Shown in the history next to who saved and when.">
            {(p) => <input {...p} value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} />}
          </Field>
        </div>
      </Dialog>
    </div>
  );
}

const LABELS: Record<string, string> = {
  'process.intervalSeconds': 'Processing interval',
  'process.sessionTimeoutMinutes': 'Session timeout',
  'process.lateEventWindowHours': 'Late-event window',
  'model.redshiftLoadIntervalMinutes': 'Redshift load interval',
};

function Stage({ n, id, title, subtitle, status, healthLoading, children }: { n: number; id: StageId; title: string; subtitle: string; status?: StageStatus; healthLoading: boolean; children: ReactNode }) {
  const tone = status?.tone === 'good' ? 'good' : status?.tone === 'bad' ? 'bad' : status?.tone === 'warn' ? 'warn' : undefined;
  return (
    <section className="stage" aria-labelledby={`stage-${id}`} data-stage={id}>
      <div className="card">
        <div className="card-head">
          <span className="stage-num" aria-hidden="true">
            {n}
          </span>
          <div style={{ minWidth: 0 }}>
            <h2 id={`stage-${id}`}>{title}</h2>
            <p>{subtitle}</p>
          </div>
        </div>
        <div className="card-body">{children}</div>
        <dl className="health" aria-label={`${title} health`}>
          {healthLoading ? (
            <>
              <dt>Health</dt>
              <dd>
                <span className="spinner" aria-label="loading" />
              </dd>
            </>
          ) : status ? (
            <>
              <dt>Status</dt>
              <dd>
                <Badge tone={tone}>
                  <span className="dot" /> {status.label}
                </Badge>
              </dd>
              {status.facts.map(([k, v]) => (
                <FactRow key={k} k={k} v={v} />
              ))}
            </>
          ) : (
            <>
              <dt>Health</dt>
              <dd>–</dd>
            </>
          )}
        </dl>
      </div>
    </section>
  );
}

const FactRow = ({ k, v }: { k: string; v: string }) => (
  <>
    <dt>{k}</dt>
    <dd>{v}</dd>
  </>
);

function Plugins({ plugins, editable, issues, onChange }: { plugins: PipelineConfig['process']['plugins']; editable: boolean; issues: FieldIssue[]; onChange: (p: PipelineConfig['process']['plugins']) => void }) {
  return (
    <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
      <legend className="label">Plugins</legend>
      {plugins.length === 0 && <span className="muted small">None. Plugins run after the enrichers, in order.</span>}
      {plugins.map((p, i) => (
        <PluginRow key={i} index={i} plugin={p} editable={editable} issues={issues} onChange={(next) => onChange(plugins.map((x, k) => (k === i ? next : x)))} onRemove={() => onChange(plugins.filter((_, k) => k !== i))} />
      ))}
      {editable && (
        <button type="button" className="small" style={{ alignSelf: 'flex-start' }} onClick={() => onChange([...plugins, { name: '', options: {} }])}>
          + Add plugin
        </button>
      )}
    </fieldset>
  );
}

function PluginRow({ index, plugin, editable, issues, onChange, onRemove }: { index: number; plugin: { name: string; options: Record<string, unknown> }; editable: boolean; issues: FieldIssue[]; onChange: (p: { name: string; options: Record<string, unknown> }) => void; onRemove: () => void }) {
  const [text, setText] = useState(() => JSON.stringify(plugin.options, null, 1));
  const [jsonError, setJsonError] = useState<string>();
  useEffect(() => setText(JSON.stringify(plugin.options, null, 1)), [plugin.options]);
  return (
    <div className="card" style={{ padding: 8, boxShadow: 'none' }}>
      <Field label={`Plugin ${index + 1} name`} error={issueFor(issues, `process.plugins.${index}.name`)}>
        {(p) => <input {...p} value={plugin.name} disabled={!editable} onChange={(e) => onChange({ ...plugin, name: e.target.value })} placeholder="pii-redactor" />}
      </Field>
      <Field label="Options (JSON)" error={jsonError ?? issueFor(issues, `process.plugins.${index}.options`)}>
        {(p) => (
          <textarea
            {...p}
            rows={3}
            value={text}
            disabled={!editable}
            onChange={(e) => {
              setText(e.target.value);
              try {
                const parsed: unknown = JSON.parse(e.target.value || '{}');
                if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('Options must be a JSON object');
                setJsonError(undefined);
                onChange({ ...plugin, options: parsed as Record<string, unknown> });
              } catch (error) {
                setJsonError(error instanceof SyntaxError ? 'Not valid JSON' : (error as Error).message);
              }
            }}
          />
        )}
      </Field>
      {editable && (
        <button type="button" className="small danger" onClick={onRemove} style={{ marginTop: 6 }}>
          Remove plugin
        </button>
      )}
    </div>
  );
}

export function DiffView({ changes }: { changes: { path: string; before?: unknown; after?: unknown; op?: string }[] }) {
  if (changes.length === 0) return <p className="muted">No differences.</p>;
  return (
    <div className="diff" data-testid="diff">
      {changes.map((c) => (
        <div key={c.path}>
          <div className="path">{c.path}</div>
          {c.op !== 'added' && <div className="del">- {describeValue(c.before)}</div>}
          {c.op !== 'removed' && <div className="add">+ {describeValue(c.after)}</div>}
        </div>
      ))}
    </div>
  );
}

function History({ projectId, versions }: { projectId: string; versions: PipelineVersionSummary[] }) {
  const sorted = [...versions].sort((a, b) => b.version - a.version);
  const [selected, setSelected] = useState<number>(sorted[0]?.version ?? 1);
  const diff = useResource(`pipeline-diff:${projectId}:${selected}`, (signal) => pipelineApi.diff(projectId, selected - 1, selected, signal));
  return (
    <div className="grid cols-2">
      <Card title="Versions" subtitle="Newest first" flush>
        <div className="table-wrap">
          <table data-testid="pipeline-history">
            <thead>
              <tr>
                <th>Version</th>
                <th>Changed by</th>
                <th>When</th>
                <th>Comment</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((v) => (
                <tr key={v.version}>
                  <td>
                    <button type="button" className={v.version === selected ? 'small primary' : 'small'} onClick={() => setSelected(v.version)} aria-pressed={v.version === selected}>
                      v{v.version}
                    </button>
                  </td>
                  <td>{v.changedBy}</td>
                  <td>{formatTime(v.changedAt)}</td>
                  <td className="muted">{v.comment ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </Card>
      <Card title={`Version ${selected}`} subtitle={selected === 1 ? 'Compared with the defaults' : `Compared with version ${selected - 1}`}>
        <Async resource={diff}>{(changes) => <DiffView changes={changes} />}</Async>
      </Card>
    </div>
  );
}
