import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { BadRowsTable, EventsTable } from '@clickstream/contracts';
import { renderViews } from '../src/domain/analysis-views.js';
import { loadViewFiles } from '../src/domain/view-files.js';

const columnList = (spec: typeof EventsTable) => [...spec.columns, ...spec.partitionKeys].map((c) => c.name).join(', ');

describe('renderViews', () => {
  it('replaces {{table.columns}} with the contract columns, then the partition keys', () => {
    const [view] = renderViews([{ name: '001_x.sql', text: 'CREATE VIEW x AS SELECT {{events.columns}} FROM events' }]);
    assert.equal(view!.sql, `CREATE VIEW x AS SELECT ${columnList(EventsTable)} FROM events`);
    assert.match(view!.sql, /SELECT event_id, event_type, .* request_id, .* app_id, year, month, day FROM events$/);
  });

  it('replaces every placeholder, of any table of the contract', () => {
    const [view] = renderViews([
      { name: 'v.sql', text: 'SELECT {{events.columns}} FROM events UNION ALL SELECT {{bad_rows.columns}} FROM bad_rows -- {{events.columns}}' },
    ]);
    assert.equal(
      view!.sql,
      `SELECT ${columnList(EventsTable)} FROM events UNION ALL SELECT ${columnList(BadRowsTable)} FROM bad_rows -- ${columnList(EventsTable)}`,
    );
  });

  it('leaves SQL without placeholders untouched', () => {
    const text = "SELECT '{{ not a placeholder }}' AS s, '{events.columns}' AS t";
    assert.deepEqual(renderViews([{ name: 'a.sql', text }]), [{ name: 'a.sql', sql: text }]);
  });

  it('orders the views by file name, so dependencies apply first', () => {
    const views = renderViews([
      { name: '010_b.sql', text: 'b' },
      { name: '002_a.sql', text: 'a' },
      { name: '001_z.sql', text: 'z' },
    ]);
    assert.deepEqual(
      views.map((v) => v.name),
      ['001_z.sql', '002_a.sql', '010_b.sql'],
    );
  });

  it('throws on a table the contract does not define, naming the file', () => {
    assert.throws(() => renderViews([{ name: '003_s.sql', text: 'SELECT {{visits.columns}} FROM visits' }]), /003_s\.sql: unknown table visits/);
    assert.throws(() => renderViews([{ name: '004_t.sql', text: 'SELECT {{evnets.columns}}' }]), /004_t\.sql: unknown table evnets/);
  });

  it('throws the same clear error for names that exist on every JavaScript object', () => {
    for (const name of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      assert.throws(() => renderViews([{ name: 'p.sql', text: `SELECT {{${name}.columns}}` }]), new RegExp(`p\\.sql: unknown table ${name}`));
    }
  });
});

describe("the service's view files", () => {
  it('render without leftover placeholders, events_deduped first', () => {
    const views = loadViewFiles();
    assert.deepEqual(
      views.map((v) => v.name),
      ['001_events_deduped.sql', '002_daily_active_users.sql', '003_sessions_merged.sql', '004_users_merged.sql'],
    );
    for (const v of views) assert.doesNotMatch(v.sql, /\{\{/, v.name);
    assert.ok(views[0]!.sql.includes(`SELECT ${columnList(EventsTable)}\nFROM`), 'events_deduped lists exactly the table columns');
  });
});
