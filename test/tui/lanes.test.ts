// The interactive lane never runs the reports that take seconds on large data: the Overview and
// Limits (both the incident report), spikes, the postmortem. A Limits prefetch on it held the
// next key's bars for 16-28 s on a day of 10M requests (BENCHMARKS.md, TUI).
import { describe, expect, it } from 'vitest';
import { QueryClient, type Executor } from '../../src/tui/data/client.js';
import type { PanelId, Query, QueryResult } from '../../src/tui/data/types.js';

function recorder(seen: string[]): Executor {
  return {
    exec: async (q: Query) => { seen.push(q.type === 'panel' ? q.panel : q.type); return { columns: [], rows: [], sorts: [] } as QueryResult; },
    refresh: async () => undefined,
    close: async () => undefined,
  };
}

describe('query lanes', () => {
  it('send Overview and Limits to the background lane, the other panels to the interactive one', async () => {
    const fast: string[] = [];
    const slow: string[] = [];
    const client = new QueryClient(recorder(fast), recorder(slow));
    const window = { from: 0, to: 60_000, bucketMs: 1000, host: null };
    const panels: PanelId[] = ['overview', 'endpoints', 'events', 'limits', 'status'];
    await Promise.all(panels.map((panel) => client.fetch({ type: 'panel', panel, window })));
    await client.fetch({ type: 'timeline', window });
    expect(slow.sort()).toEqual(['limits', 'overview']);
    expect(fast.sort()).toEqual(['endpoints', 'events', 'status', 'timeline']);
  });
});
