/** @jsxRuntime automatic */
// The exploration forms: each edits one spec kind and reports every change (no local copies, so
// the URL stays the truth). Event names are suggested from the app's metadata.
import type { AttributionSpec, EventSpec, FieldRef, FunnelSpec, Granularity, Interval, PathSpec, RetentionSpec } from '../api/analytics-types.js';
import { fieldName, fieldRef } from '../api/results.js';
import { Field, Segmented } from '../components/ui.js';
import { DIMENSIONS } from '../lib/dimensions.js';
import { MAX_FUNNEL_STEPS, move } from '../lib/exploration-specs.js';

export const EVENT_LIST_ID = 'known-events';

interface BuilderProps<S> {
  spec: S;
  onChange: (spec: S) => void;
  problems: Record<string, string>;
}

const INTERVALS: { value: Interval; label: string }[] = [
  { value: 'day', label: 'Day' },
  { value: 'week', label: 'Week' },
  { value: 'month', label: 'Month' },
];

function EventInput({ label, value, onChange, error, name, hint }: { label: string; value: string; onChange: (v: string) => void; error?: string; name: string; hint?: string }) {
  return <Field label={label} error={error} hint={hint}>{(p) => <input {...p} name={name} list={EVENT_LIST_ID} value={value} onChange={(e) => onChange(e.target.value)} placeholder="event name" autoComplete="off" />}</Field>;
}

function DimensionSelect({ label, value, onChange, allowNone }: { label: string; value: FieldRef | undefined; onChange: (v: FieldRef | undefined) => void; allowNone?: boolean }) {
  return (
    <Field label={label}>
      {(p) => (
        <select {...p} value={fieldName(value) ?? ''} onChange={(e) => onChange(e.target.value ? fieldRef(e.target.value) : undefined)}>
          {allowNone && <option value="">None</option>}
          {DIMENSIONS.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

export function EventBuilder({ spec, onChange, problems }: BuilderProps<EventSpec>) {
  return (
    <div className="fields">
      <Field label="Events" hint="Comma-separated; empty for every event" error={problems.events}>
        {(p) => (
          <input
            {...p}
            name="events"
            list={EVENT_LIST_ID}
            value={spec.events.join(', ')}
            onChange={(e) => onChange({ ...spec, events: e.target.value === '' ? [] : e.target.value.split(',').map((s, i, all) => (i < all.length - 1 ? s.trim() : s.trimStart())) })}
          />
        )}
      </Field>
      <Field label="Metric">
        {(p) => (
          <select {...p} value={spec.metric} onChange={(e) => onChange({ ...spec, metric: e.target.value as EventSpec['metric'] })}>
            <option value="events">Event count</option>
            <option value="users">Users</option>
            <option value="sessions">Sessions</option>
            <option value="events_per_user">Events per user</option>
          </select>
        )}
      </Field>
      <DimensionSelect label="Break down by" value={spec.breakdown} allowNone onChange={(breakdown) => onChange({ ...spec, breakdown })} />
      <div className="field">
        <span className="label">Interval</span>
        <Segmented<Granularity> label="Interval" value={spec.granularity} options={[{ value: 'hour', label: 'Hour' }, ...INTERVALS]} onChange={(granularity) => onChange({ ...spec, granularity })} />
      </div>
    </div>
  );
}

export function FunnelBuilder({ spec, onChange, problems }: BuilderProps<FunnelSpec>) {
  const setStep = (i: number, event: string) => onChange({ ...spec, steps: spec.steps.map((s, k) => (k === i ? { ...s, event } : s)) });
  return (
    <div className="stack" style={{ gap: 12 }}>
      <fieldset className="field" style={{ border: 0, padding: 0, margin: 0 }}>
        <legend className="label">Steps</legend>
        <ol className="steps" style={{ listStyle: 'none', padding: 0, margin: 0 }} aria-label="Funnel steps">
          {spec.steps.map((s, i) => (
            <li key={i} className="step">
              <span className="stage-num" aria-hidden="true">
                {i + 1}
              </span>
              <EventInput label={`Step ${i + 1}`} name={`step-${i + 1}`} value={s.event} onChange={(v) => setStep(i, v)} error={problems[`steps.${i}`]} />
              <div className="row" style={{ gap: 4, alignSelf: 'end' }}>
                <button type="button" className="small ghost" aria-label={`Move step ${i + 1} up`} disabled={i === 0} onClick={() => onChange({ ...spec, steps: move(spec.steps, i, i - 1) })}>
                  ↑
                </button>
                <button type="button" className="small ghost" aria-label={`Move step ${i + 1} down`} disabled={i === spec.steps.length - 1} onClick={() => onChange({ ...spec, steps: move(spec.steps, i, i + 1) })}>
                  ↓
                </button>
                <button type="button" className="small ghost" aria-label={`Remove step ${i + 1}`} disabled={spec.steps.length <= 2} onClick={() => onChange({ ...spec, steps: spec.steps.filter((_, k) => k !== i) })}>
                  ✕
                </button>
              </div>
            </li>
          ))}
        </ol>
        {problems.steps && <span className="error" role="alert">{problems.steps}</span>}
        <button type="button" className="small" style={{ alignSelf: 'flex-start', marginTop: 8 }} disabled={spec.steps.length >= MAX_FUNNEL_STEPS} onClick={() => onChange({ ...spec, steps: [...spec.steps, { event: '' }] })}>
          + Add step
        </button>
      </fieldset>
      <div className="fields">
        <Field label="Conversion window" error={problems.window}>
          {(p) => (
            <div className="row" style={{ flexWrap: 'nowrap' }}>
              <input {...p} name="window" type="number" min={1} max={1000} style={{ width: 90 }} value={Number.isNaN(spec.window.value) ? '' : spec.window.value} onChange={(e) => onChange({ ...spec, window: { ...spec.window, value: e.target.value === '' ? Number.NaN : Number(e.target.value) } })} />
              <select aria-label="Window unit" value={spec.window.unit} onChange={(e) => onChange({ ...spec, window: { ...spec.window, unit: e.target.value as FunnelSpec['window']['unit'] } })}>
                <option value="minute">minutes</option>
                <option value="hour">hours</option>
                <option value="day">days</option>
              </select>
            </div>
          )}
        </Field>
        <div className="field">
          <span className="label">Step order</span>
          <Segmented<FunnelSpec['order']>
            label="Step order"
            value={spec.order}
            onChange={(order) => onChange({ ...spec, order })}
            options={[
              { value: 'relaxed', label: 'Relaxed' },
              { value: 'strict', label: 'Strict' },
            ]}
          />
          <span className="hint">{spec.order === 'strict' ? 'Each step is the very next event' : 'Other events may happen between steps'}</span>
        </div>
        <DimensionSelect label="Break down by" value={spec.breakdown} allowNone onChange={(breakdown) => onChange({ ...spec, breakdown })} />
      </div>
    </div>
  );
}

export function PathBuilder({ spec, onChange, problems }: BuilderProps<PathSpec>) {
  return (
    <div className="fields">
      <Field label="Nodes">
        {(p) => (
          <select {...p} value={spec.nodeType} onChange={(e) => onChange({ ...spec, nodeType: e.target.value as PathSpec['nodeType'] })}>
            <option value="event">Events</option>
            <option value="page">Pages and screens</option>
          </select>
        )}
      </Field>
      {spec.nodeType === 'event' ? (
        <Field label="Start event" hint="Empty: the session's first event" error={problems.start}>
          {(p) => <input {...p} name="start" list={EVENT_LIST_ID} value={spec.start ?? ''} onChange={(e) => onChange({ ...spec, start: e.target.value })} autoComplete="off" />}
        </Field>
      ) : (
        <Field label="Start page" hint="Page URL without its query string, or a screen name" error={problems.start}>
          {(p) => <input {...p} name="start" value={spec.start ?? ''} onChange={(e) => onChange({ ...spec, start: e.target.value })} placeholder="https://shop.example.com/checkout" />}
        </Field>
      )}
      <div className="field">
        <span className="label">Direction</span>
        <span className="hint">What happens after the start, or what led to it</span>
        <Segmented<PathSpec['direction']>
          label="Direction"
          value={spec.direction}
          onChange={(direction) => onChange({ ...spec, direction })}
          options={[
            { value: 'next', label: 'Next' },
            { value: 'previous', label: 'Previous' },
          ]}
        />
      </div>
      <Field label="Steps" error={problems.depth}>{(p) => <input {...p} type="number" min={1} max={10} value={spec.depth} onChange={(e) => onChange({ ...spec, depth: Number(e.target.value) })} />}</Field>
      <Field label="Top N per step" hint="The rest is grouped as “(other)”" error={problems.limit}>{(p) => <input {...p} type="number" min={1} max={30} value={spec.limit} onChange={(e) => onChange({ ...spec, limit: Number(e.target.value) })} />}</Field>
    </div>
  );
}

export function RetentionBuilder({ spec, onChange, problems }: BuilderProps<RetentionSpec>) {
  return (
    <div className="fields">
      <EventInput label="First event" hint="Empty: any event" name="startEvent" value={spec.startEvent ?? ''} onChange={(startEvent) => onChange({ ...spec, startEvent })} error={problems.startEvent} />
      <EventInput label="Return event" hint="Empty: any event" name="returnEvent" value={spec.returnEvent ?? ''} onChange={(returnEvent) => onChange({ ...spec, returnEvent })} error={problems.returnEvent} />
      <div className="field">
        <span className="label">Period</span>
        <Segmented<Interval> label="Period" value={spec.granularity} options={INTERVALS} onChange={(granularity) => onChange({ ...spec, granularity })} />
      </div>
      <Field label="Periods" error={problems.periods}>{(p) => <input {...p} type="number" min={1} max={60} value={spec.periods} onChange={(e) => onChange({ ...spec, periods: Number(e.target.value) })} />}</Field>
    </div>
  );
}

export function AttributionBuilder({ spec, onChange, problems }: BuilderProps<AttributionSpec>) {
  return (
    <div className="fields">
      <EventInput label="Goal event" name="goalEvent" value={spec.goalEvent} onChange={(goalEvent) => onChange({ ...spec, goalEvent })} error={problems.goalEvent} />
      <Field label="Model">
        {(p) => (
          <select {...p} value={spec.model} onChange={(e) => onChange({ ...spec, model: e.target.value as AttributionSpec['model'] })}>
            <option value="first_touch">First touch</option>
            <option value="last_touch">Last touch</option>
            <option value="linear">Linear</option>
            <option value="position_based">Position-based (40/20/40)</option>
          </select>
        )}
      </Field>
      <Field label="Credit goes to">
        {(p) => (
          <select {...p} value={spec.dimension} onChange={(e) => onChange({ ...spec, dimension: e.target.value as AttributionSpec['dimension'] })}>
            <option value="channel_group">Channel</option>
            <option value="traffic_source_source">Source</option>
            <option value="traffic_source_medium">Medium</option>
            <option value="traffic_source_campaign">Campaign</option>
            <option value="source_medium">Source / medium</option>
          </select>
        )}
      </Field>
      <Field label="Lookback (days)" error={problems.lookbackDays}>{(p) => <input {...p} type="number" min={1} max={90} value={spec.lookbackDays} onChange={(e) => onChange({ ...spec, lookbackDays: Number(e.target.value) })} />}</Field>
    </div>
  );
}
