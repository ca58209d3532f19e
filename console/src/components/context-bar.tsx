/** @jsxRuntime automatic */
// The query context toolbar shared by dashboards and explorations: period (presets or custom days),
// time zone, comparison, filters, CSV export and a copyable link. All of it is in the URL.
import { useMemo, useState } from 'react';
import type { CompareMode, Filter, FilterOp } from '../api/analytics-types.js';
import { DIMENSIONS, dimensionLabel, OP_LABELS } from '../lib/dimensions.js';
import { contextFromSearch, PRESETS, searchFromContext, withFilters, type ContextState, type Preset } from '../lib/query-state.js';
import { navigate, useLocation } from '../lib/router.js';
import { CopyButton, Dialog, Field } from './ui.js';

const ZONES = ['UTC', 'Europe/London', 'Europe/Paris', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Sao_Paulo', 'Asia/Tokyo', 'Asia/Shanghai', 'Asia/Kolkata', 'Australia/Sydney'];

/** The context of the current URL, and a setter that writes it back. */
export function useQueryContext(defaultTimezone: string): [ContextState, (next: Partial<ContextState>) => void] {
  const { pathname, search, href } = useLocation();
  // Recomputed per URL (not per render) so the object is stable for effects keyed on it.
  const context = useMemo(() => contextFromSearch(search, { timezone: defaultTimezone }), [href, defaultTimezone]);
  const update = (patch: Partial<ContextState>) => {
    const next = { ...context, ...patch };
    const params = withFilters(new URLSearchParams(window.location.search), next.filters);
    for (const [k, v] of Object.entries(searchFromContext(next, defaultTimezone))) {
      if (v === undefined) params.delete(k);
      else params.set(k, v);
    }
    const qs = params.toString();
    navigate(qs ? `${pathname}?${qs}` : pathname, { replace: true });
  };
  return [context, update];
}

export function ContextBar({ context, onChange, onExport, exporting, hideCompare }: { context: ContextState; onChange: (next: Partial<ContextState>) => void; onExport?: () => void; exporting?: boolean; hideCompare?: boolean }) {
  const [adding, setAdding] = useState(false);
  const zones = ZONES.includes(context.timezone) ? ZONES : [context.timezone, ...ZONES];
  return (
    <div className="card" style={{ marginBottom: 16 }}>
      <div className="card-body" style={{ padding: 12 }}>
        <div className="toolbar">
          <Field label="Period">
            {(p) => (
              <select
                {...p}
                value={context.preset}
                onChange={(e) => {
                  const preset = e.target.value as Preset;
                  onChange(preset === 'custom' ? { preset, from: context.from, to: context.to } : { preset, ...presetDays(preset, context) });
                }}
              >
                {PRESETS.map((x) => (
                  <option key={x.id} value={x.id}>
                    {x.label}
                  </option>
                ))}
                <option value="custom">Custom…</option>
              </select>
            )}
          </Field>
          {context.preset === 'custom' && (
            <>
              <Field label="From">{(p) => <input {...p} type="date" value={context.from} max={context.to} onChange={(e) => e.target.value && onChange({ from: e.target.value })} />}</Field>
              <Field label="To">{(p) => <input {...p} type="date" value={context.to} min={context.from} onChange={(e) => e.target.value && onChange({ to: e.target.value })} />}</Field>
            </>
          )}
          <Field label="Time zone">
            {(p) => (
              <select {...p} value={context.timezone} onChange={(e) => onChange({ timezone: e.target.value })}>
                {zones.map((z) => (
                  <option key={z}>{z}</option>
                ))}
              </select>
            )}
          </Field>
          {!hideCompare && (
            <Field label="Compare to">
              {(p) => (
                <select {...p} value={context.compare} onChange={(e) => onChange({ compare: e.target.value as CompareMode })}>
                  <option value="none">No comparison</option>
                  <option value="previous">Previous period</option>
                  <option value="year">Same period last year</option>
                </select>
              )}
            </Field>
          )}
          <span style={{ flex: 1 }} />
          <button type="button" onClick={() => setAdding(true)}>
            + Filter
          </button>
          {onExport && (
            <button type="button" onClick={onExport} disabled={exporting}>
              {exporting ? 'Exporting…' : 'Export CSV'}
            </button>
          )}
          <CopyButton text={window.location.href} label="Copy link" className="" />
        </div>
        {context.filters.length > 0 && (
          <div className="chips" style={{ marginTop: 10 }} aria-label="Filters">
            {context.filters.map((f, i) => (
              <span className="chip" key={`${f.field}-${i}`}>
                {dimensionLabel(f.field)} {OP_LABELS[f.op]} <b>{f.value}</b>
                <button type="button" aria-label={`Remove filter ${dimensionLabel(f.field)}`} onClick={() => onChange({ filters: context.filters.filter((_, k) => k !== i) })}>
                  ✕
                </button>
              </span>
            ))}
          </div>
        )}
      </div>
      {adding && (
        <FilterDialog
          onClose={() => setAdding(false)}
          onAdd={(f) => {
            setAdding(false);
            onChange({ filters: [...context.filters, f] });
          }}
        />
      )}
    </div>
  );
}

function presetDays(preset: Preset, context: ContextState): { from: string; to: string } {
  const fresh = contextFromSearch(new URLSearchParams({ range: preset }), { timezone: context.timezone });
  return { from: fresh.from, to: fresh.to };
}

function FilterDialog({ onAdd, onClose }: { onAdd: (f: Filter) => void; onClose: () => void }) {
  const [field, setField] = useState<string>('country');
  const [attribute, setAttribute] = useState('');
  const [op, setOp] = useState<FilterOp>('eq');
  const [value, setValue] = useState('');
  const fieldId = field === 'attr' ? `attr.${attribute.trim()}` : field;
  const noValue = op === 'is_set' || op === 'is_not_set';
  const valid = (noValue || value.trim() !== '') && (field !== 'attr' || /^[A-Za-z_][\w.]*$/.test(attribute.trim()));
  return (
    <Dialog
      open
      title="Add a filter"
      onClose={onClose}
      footer={
        <>
          <button type="button" onClick={onClose}>
            Cancel
          </button>
          <button type="button" className="primary" disabled={!valid} onClick={() => onAdd({ field: fieldId, op, value: noValue ? '' : value.trim() })}>
            Add filter
          </button>
        </>
      }
    >
      <div className="fields">
        <Field label="Field">
          {(p) => (
            <select {...p} value={field} onChange={(e) => setField(e.target.value)}>
              {DIMENSIONS.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.label}
                </option>
              ))}
              <option value="attr">Event attribute…</option>
            </select>
          )}
        </Field>
        {field === 'attr' && <Field label="Attribute name">{(p) => <input {...p} value={attribute} onChange={(e) => setAttribute(e.target.value)} placeholder="product_id" />}</Field>}
        <Field label="Condition">
          {(p) => (
            <select {...p} value={op} onChange={(e) => setOp(e.target.value as FilterOp)}>
              {Object.entries(OP_LABELS).map(([k, v]) => (
                <option key={k} value={k}>
                  {v}
                </option>
              ))}
            </select>
          )}
        </Field>
        {!noValue && (
          <Field label="Value" hint={op === 'in' || op === 'not_in' ? 'Comma-separated' : undefined}>
            {(p) => <input {...p} value={value} onChange={(e) => setValue(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && valid && onAdd({ field: fieldId, op, value: value.trim() })} />}
          </Field>
        )}
      </div>
    </Dialog>
  );
}
