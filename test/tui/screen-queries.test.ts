// The TUI's screens run query files (queries/tui-*.sql, inputs.sql): runnable by name like any
// report, left out of `report --list`, and naming the same kernel counters as the timeline's
// overload marker.
import { describe, expect, it } from 'vitest';
import { builtinQueriesDir, loadReports } from '../../src/report/loader.js';
import { listReports } from '../../src/report/runner.js';
import { OVERLOAD_COUNTERS } from '../../src/tui/data/kernel.js';

const dirs = [builtinQueriesDir()];
const screens = [...loadReports(dirs).values()].filter((d) => !d.listed);

describe('the screens\' query files', () => {
  it('are the TUI\'s, unlisted, and runnable by name', () => {
    expect(screens.map((d) => d.name)).toEqual(expect.arrayContaining([
      'tui-header', 'tui-timeline', 'tui-minutes', 'tui-cursor', 'tui-events', 'inputs', 'tui-event-kind', 'tui-counter',
      'tui-slowlog-stack', 'tui-rejects', 'tui-route-buckets', 'tui-route-top',
    ]));
    const listed = listReports(dirs).map((d) => d.name);
    for (const d of screens) expect(listed).not.toContain(d.name);
    expect(listReports(dirs, { all: true }).map((d) => d.name)).toEqual(expect.arrayContaining(screens.map((d) => d.name)));
    expect(listed).toContain('timeline');
  });

  it('name exactly the kernel counters of the overload marker', () => {
    for (const d of screens) {
      for (const s of d.sections) {
        const m = /counter IN \(([^)]*)\)/.exec(s.sql);
        if (!m) continue;
        const names = [...m[1].matchAll(/'([^']+)'/g)].map((x) => x[1]);
        expect(names, `${d.name} ${s.name ?? ''}`).toEqual(OVERLOAD_COUNTERS);
      }
    }
    expect(screens.filter((d) => d.sections.some((s) => /counter IN \(/.test(s.sql))).map((d) => d.name).sort())
      .toEqual(['tui-events', 'tui-minutes', 'tui-timeline']);
  });
});
