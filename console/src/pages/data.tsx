/** @jsxRuntime automatic */
// Data management: event and attribute metadata (names, types, counts, first/last seen; editable
// display names and descriptions) and the bad-row browser (reasons with counts, samples per reason).
import { useState } from 'react';
import { badRows as badRowsApi, metadata as metadataApi } from '../api/analytics.js';
import type { AttributeMetadata, EventMetadata } from '../api/analytics-types.js';
import { Async, Empty, ErrorState } from '../components/states.js';
import { Card, Dialog, Field, Guard, PageHead } from '../components/ui.js';
import { formatNumber, formatTime } from '../lib/format.js';
import { Link, useSearchParams } from '../lib/router.js';
import { useResource } from '../lib/use-resource.js';

export function DataPage({ appId, section }: { appId: string; section: string }) {
  if (section === 'events' || section === 'attributes') return <MetadataView appId={appId} kind={section === 'events' ? 'event' : 'attribute'} />;
  if (section === 'bad-rows') return <BadRowsView appId={appId} />;
  return <ErrorState title="Page not found" error={new Error(`No data section “${section}”.`)} />;
}

function MetadataView({ appId, kind }: { appId: string; kind: 'event' | 'attribute' }) {
  const meta = useResource(`meta:${appId}`, (signal) => metadataApi.get(appId, signal));
  const [params, setParams] = useSearchParams();
  const q = params.get('q') ?? '';
  const [editing, setEditing] = useState<EventMetadata | AttributeMetadata>();
  const base = `/apps/${encodeURIComponent(appId)}/data`;
  const matches = (m: EventMetadata) => !q || `${m.name} ${m.displayName ?? ''} ${m.description ?? ''}`.toLowerCase().includes(q.toLowerCase());
  return (
    <>
      <PageHead title="Events & attributes" subtitle="Everything the app has sent, discovered from processed data. Give names a display name and a description for your team." />
      <nav className="tabs" aria-label="Metadata kinds">
        <Link to={`${base}/events`} activeMatch="exact">
          Events{meta.data ? ` (${meta.data.events.length})` : ''}
        </Link>
        <Link to={`${base}/attributes`} activeMatch="exact">
          Attributes{meta.data ? ` (${meta.data.attributes.length})` : ''}
        </Link>
      </nav>
      <div className="toolbar" style={{ marginBottom: 12 }}>
        <Field label="Search">{(p) => <input {...p} type="search" value={q} onChange={(e) => setParams({ q: e.target.value }, { replace: true })} placeholder="name or description" />}</Field>
      </div>
      <Card flush>
        <Async
          resource={meta}
          isEmpty={(m) => (kind === 'event' ? m.events : m.attributes).length === 0}
          empty={<Empty title={`No ${kind}s yet`}>They appear after the first processing run with data.</Empty>}
        >
          {(m) => {
            const list = (kind === 'event' ? m.events : m.attributes).filter(matches);
            return (
              <div className="table-wrap">
                <table>
                  <thead>
                    <tr>
                      <th>Name</th>
                      {kind === 'attribute' && <th>Type</th>}
                      <th>Display name</th>
                      <th>Description</th>
                      <th className="num">Count</th>
                      <th>First seen</th>
                      <th>Last seen</th>
                      <th>
                        <span className="visually-hidden">Actions</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.length === 0 && (
                      <tr>
                        <td colSpan={8} className="muted">
                          Nothing matches “{q}”.
                        </td>
                      </tr>
                    )}
                    {list.map((x) => (
                      <tr key={x.name}>
                        <td className="mono">{x.name}</td>
                        {kind === 'attribute' && (
                          <td>
                            {(x as AttributeMetadata).types?.join(', ') ?? '–'}
                            {(x as AttributeMetadata).scope === 'user' && <span className="badge info" style={{ marginLeft: 6 }}>user</span>}
                          </td>
                        )}
                        <td>{x.displayName || <span className="muted">–</span>}</td>
                        <td style={{ maxWidth: 320 }}>{x.description || <span className="muted">–</span>}</td>
                        <td className="num">{x.count === null ? <span className="muted" title="Not in the data (only annotated)">–</span> : formatNumber(x.count)}</td>
                        <td>{formatTime(x.firstSeen)}</td>
                        <td>{formatTime(x.lastSeen)}</td>
                        <td className="num">
                          <Guard permission="metadata:write">
                            {(ok, why) => (
                              <button type="button" className="small" disabled={!ok} title={why} onClick={() => setEditing(x)} aria-label={`Edit ${x.name}`}>
                                Edit
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
          }}
        </Async>
      </Card>
      {editing && (
        <EditMetadataDialog
          appId={appId}
          kind={kind}
          item={editing}
          onClose={() => setEditing(undefined)}
          onSaved={() => {
            setEditing(undefined);
            meta.reload();
          }}
        />
      )}
    </>
  );
}

function EditMetadataDialog({ appId, kind, item, onClose, onSaved }: { appId: string; kind: 'event' | 'attribute'; item: EventMetadata; onClose: () => void; onSaved: () => void }) {
  const [displayName, setDisplayName] = useState(item.displayName ?? '');
  const [description, setDescription] = useState(item.description ?? '');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error>();
  const save = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await metadataApi.annotate(appId, kind, item.name, { displayName: displayName.trim(), description: description.trim() });
      onSaved();
    } catch (e) {
      setError(e as Error);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog
      open
      title={`Edit ${kind} ${item.name}`}
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={busy} onClick={() => void save()}>
            {busy ? 'Saving…' : 'Save'}
          </button>
        </>
      }
    >
      <div className="stack" style={{ gap: 12 }}>
        <Field label="Display name">{(p) => <input {...p} value={displayName} onChange={(e) => setDisplayName(e.target.value)} maxLength={256} autoFocus />}</Field>
        <Field label="Description">{(p) => <textarea {...p} rows={4} value={description} onChange={(e) => setDescription(e.target.value)} maxLength={2000} style={{ font: 'inherit' }} />}</Field>
        {error && <p className="alert" role="alert">{error.message}</p>}
      </div>
    </Dialog>
  );
}

const SINCE = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
] as const;

function BadRowsView({ appId }: { appId: string }) {
  const [params, setParams] = useSearchParams();
  const window = SINCE.find((s) => s.id === params.get('since')) ?? SINCE[1];
  // Rounded to the minute so the key (and the cache) stays put between renders.
  const since = new Date(Math.floor((Date.now() - window.ms) / 60_000) * 60_000).toISOString();
  const reasons = useResource(`bad:${appId}:${window.id}`, (signal) => badRowsApi.reasons(appId, since, signal));
  const chosen = params.get('reason') ?? [...(reasons.data ?? [])].sort((a, b) => b.rows - a.rows)[0]?.reasonCode;
  const samples = useResource(chosen ? `bad-samples:${appId}:${chosen}:${window.id}` : null, (signal) => badRowsApi.samples(appId, chosen!, since, signal));
  const total = (reasons.data ?? []).reduce((s, r) => s + r.rows, 0);
  return (
    <>
      <PageHead
        title="Bad rows"
        subtitle="Events processing refused, grouped by reason, with samples of what was sent. Fix the sender, then they stop appearing."
        actions={
          <Field label="Period">
            {(p) => (
              <select {...p} value={window.id} onChange={(e) => setParams({ since: e.target.value, reason: undefined }, { replace: true })}>
                {SINCE.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.label}
                  </option>
                ))}
              </select>
            )}
          </Field>
        }
      />
      <Async resource={reasons} isEmpty={(r) => r.length === 0} empty={<Card><Empty title="No bad rows in this period">Every event sent was accepted.</Empty></Card>}>
        {(list) => (
          <div className="grid cols-3">
            <Card title="Reasons" subtitle={`${formatNumber(total)} bad rows`} flush>
              <table>
                <thead>
                  <tr>
                    <th>Reason</th>
                    <th className="num">Rows</th>
                    <th>Last seen</th>
                  </tr>
                </thead>
                <tbody>
                  {[...list].sort((a, b) => b.rows - a.rows).map((r) => (
                    <tr key={r.reasonCode}>
                      <td>
                        <button type="button" className={r.reasonCode === chosen ? 'small primary' : 'small ghost'} aria-pressed={r.reasonCode === chosen} onClick={() => setParams({ reason: r.reasonCode }, { replace: true })}>
                          {r.reasonCode}
                        </button>
                      </td>
                      <td className="num">{formatNumber(r.rows)}</td>
                      <td className="small">{formatTime(r.lastSeen)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Card>
            <div className="span-2">
              <Card title={chosen ? `Samples: ${chosen}` : 'Samples'} subtitle="The newest rows of this reason" flush>
                <Async resource={samples} isEmpty={(s) => s.length === 0} empty={<Empty title="No samples kept for this reason" />}>
                  {(rows) => (
                    <div className="stack" style={{ padding: 12, gap: 12 }} data-testid="bad-row-samples">
                      {rows.map((s, i) => (
                        <div key={`${s.requestId}-${s.eventId}-${i}`} className="card" style={{ boxShadow: 'none' }}>
                          <div className="card-head small" style={{ flexWrap: 'wrap' }}>
                            <span className="muted">{formatTime(s.ingestTimestamp)}</span>
                            {s.reason && <span>{s.reason}</span>}
                            <span className="spacer" />
                            {s.eventId && <span className="mono muted">event {s.eventId}</span>}
                          </div>
                          <pre className="mono" style={{ padding: 12, maxHeight: 220, overflow: 'auto' }}>
                            {s.raw === null ? '(nothing kept)' : prettyJson(s.raw)}
                            {s.raw !== null && s.rawLength > s.raw.length && `\n… ${formatNumber(s.rawLength - s.raw.length)} more characters`}
                          </pre>
                        </div>
                      ))}
                    </div>
                  )}
                </Async>
              </Card>
            </div>
          </div>
        )}
      </Async>
    </>
  );
}

function prettyJson(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
