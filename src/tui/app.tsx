// The whole screen. Input is handled here, at the top (ink's own examples): a key becomes a
// command (keys.ts), the command an action on the state (state.ts); views only draw props, and
// data arrives through hooks from the query worker.
import { useEffect, useMemo, useReducer, useRef, useState, useSyncExternalStore } from 'react';
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { Header, type LiveStatus } from './views/header.js';
import { Timeline } from './views/timeline.js';
import { plotWidth } from './views/timeline-draw.js';
import { Tabs } from './views/tabs.js';
import { Panel, visibleRows } from './views/panel.js';
import { Drill as DrillView, drillLines } from './views/drill.js';
import { Footer } from './views/footer.js';
import { layout } from './layout.js';
import { Help } from './views/help.js';
import { useQuery } from './hooks/use-query.js';
import { useTerminalSize, type Size } from './hooks/use-terminal-size.js';
import { commandFor, type Command } from './keys.js';
import { actionFor } from './commands.js';
import { current, initialState, reduce, type Action, type UiState } from './state.js';
import { PANELS, type CursorDetail, type DrillData, type HeaderData, type PanelId, type Query, type Table, type TimelineData, type SpikesData, type Window } from './data/types.js';
import type { QueryClient } from './data/client.js';
import { termSafe } from '../util/sanitize.js';
import { spikeRows } from './data/report-panels.js';
import { clock } from './format.js';

export interface LiveFeed {
  subscribe(fn: () => void): () => void;
  status(): LiveStatus;
}

export interface AppProps {
  client: QueryClient;
  tz: string;
  host: string | null;
  /** --from / --to, epoch ms: the root window instead of the data's extent */
  from?: number;
  to?: number;
  live?: LiveFeed | null;
  /** fixed size for tests; otherwise the terminal's, following resizes */
  size?: Size;
  color: boolean;
  /** writes the window's postmortem; resolves to what to tell the user */
  onExport?: (w: Window) => Promise<string>;
  initialPanel?: PanelId;
}

const sameWindow = (a: Window, b: Window) => a.from === b.from && a.to === b.to && a.bucketMs === b.bucketMs && a.host === b.host;

const OVERVIEW_SHELL: Table = {
  columns: [{ key: 'section', title: 'section', kind: 'text', width: 9 }, { key: 'item', title: 'what', kind: 'text' }],
  rows: [], sorts: [], note: 'explaining the window: the incident findings follow...',
};

const noLive = { subscribe: () => () => undefined, status: () => null };

export function App(props: AppProps) {
  const { client, tz } = props;
  const { exit } = useApp();
  const size = useTerminalSize(props.size);
  const columns = plotWidth(size.columns);
  // when the header is already known (the first paint fetched it), start on the whole range at
  // once: the first frame then has its bars instead of a placeholder
  const [state, dispatchRaw] = useReducer((s: UiState, a: Action) => reduce(s, a, columns), null, () => {
    const s0 = initialState(props.initialPanel);
    const h0 = client.peek({ type: 'header', host: props.host }) as HeaderData | undefined;
    if (!h0 || h0.from === null || h0.to === null) return s0;
    const from = props.from ?? h0.from;
    return reduce(s0, { type: 'range', from, to: Math.max(from + 1000, props.to ?? h0.to), host: props.host, columns }, columns);
  });
  const dispatch = dispatchRaw;
  const live = useSyncExternalStore((props.live ?? noLive).subscribe, (props.live ?? noLive).status);
  const lay = layout(size.rows);

  // H cycles the host: all of them, then each (a database of a server farm, or `overload demo`)
  const [host, setHost] = useState<string | null>(props.host);
  const header = useQuery<HeaderData>(client, { type: 'header', host });
  const w = current(state);
  const timeline = useQuery<TimelineData>(client, w ? { type: 'timeline', window: w } : null);
  // a new window's bars replace the old ones when they arrive: no blank frame in between
  const tl = timeline.data;
  const spikesQ = useQuery<SpikesData>(client, w ? { type: 'spikes', window: w } : null);
  const spikes = spikesQ.data && w && sameWindow(spikesQ.data.window, w) ? spikesQ.data.spikes : [];
  const buckets = tl?.buckets ?? [];
  // while a new window loads, the old bars stay: place the cursor and the mark on them by time
  const shown = tl?.window;
  const toShown = (i: number) => (w && shown && !sameWindow(w, shown) ? Math.floor((w.from + i * w.bucketMs - shown.from) / shown.bucketMs) : i);
  const shownCursor = toShown(state.cursor);
  const shownMark = state.mark ? { a: toShown(state.mark.a), b: toShown(state.mark.b) } : null;
  const shownOffset = w && shown && !sameWindow(w, shown) ? Math.max(0, Math.min(shownCursor, buckets.length - columns)) : state.offset;
  const cursorT = w ? w.from + state.cursor * w.bucketMs : 0;
  const detail = useQuery<CursorDetail>(client, w && buckets.length ? { type: 'cursor', window: w, t: cursorT } : null);
  const panelQ: Query | null = !w ? null : state.drill ? { type: 'drill', drill: state.drill, window: w } : { type: 'panel', panel: state.panel, window: w };
  const body = useQuery<Table | DrillData>(client, panelQ);

  // the root window follows the data's extent (and --from/--to when given)
  const h = header.data;
  const userPanels = h?.panels ?? [];
  const allPanels = useMemo((): PanelId[] => [...PANELS, ...userPanels.map((p) => p.id)], [userPanels.map((p) => p.id).join('\n')]);
  useEffect(() => {
    if (!h || h.from === null || h.to === null) return;
    const from = props.from ?? h.from;
    const to = Math.max(from + 1000, props.to ?? h.to);
    dispatch({ type: 'range', from, to, host, columns });
  }, [h?.from, h?.to, columns, host]);

  // warm the other panels of this window while the user reads this one; a moment later, so the
  // window's own bars and panel are drawn first and a quick run of keys (+ + +) prefetches once
  const wKey = w ? `${w.from}|${w.to}|${w.bucketMs}` : '';
  useEffect(() => {
    if (!w) return;
    client.dropPrefetches();
    const timer = setTimeout(() => {
      for (const p of allPanels) if (p !== state.panel) client.prefetch({ type: 'panel', panel: p, window: w });
    }, 200);
    return () => clearTimeout(timer);
  }, [wKey, client.version, allPanels]);

  // a marked window is one Enter away from being zoomed into: fetch its bars (and the cursor's
  // bucket there) now, so the zoom's first frame already has them instead of a frame saying
  // "..." and another when they arrive; and, once the mark has held a moment (shift+arrows move
  // it key by key), its panels, this one first, so they are ready when the zoom shows them
  useEffect(() => {
    if (!state.mark || !w) return;
    const next = current(reduce(state, { type: 'zoom-in' }, columns));
    if (!next || sameWindow(next, w)) return;
    client.prefetch({ type: 'timeline', window: next });
    client.prefetch({ type: 'cursor', window: next, t: next.from });
    const timer = setTimeout(() => {
      for (const p of [state.panel, ...allPanels.filter((x) => x !== state.panel)]) client.prefetch({ type: 'panel', panel: p, window: next });
    }, 200);
    return () => clearTimeout(timer);
  }, [state.mark?.a, state.mark?.b, wKey, columns, client.version, allPanels]);

  const panelTable = !state.drill && body.data && 'columns' in body.data ? (body.data as Table) : null;
  // the Overview opens with the spike windows (their own query), the findings follow when ready
  const table = useMemo(() => {
    if (state.panel !== 'overview' || state.drill || !w) return panelTable;
    const lines = spikeRows(spikes, (ms) => clock(ms, tz, w.to - w.from));
    if (!panelTable) return lines.length ? { ...OVERVIEW_SHELL, rows: lines } : null;
    return { ...panelTable, rows: [...lines, ...panelTable.rows] };
  }, [panelTable, spikes, state.panel, state.drill, w?.from, w?.to]);
  const drill = state.drill && body.data && 'tables' in body.data ? (body.data as DrillData) : null;
  const sortIndex = state.sort[state.panel] ?? 0;
  const rows = table ? visibleRows(table, state.filter, sortIndex) : [];
  const selected = Math.min(state.row[state.panel] ?? 0, Math.max(0, rows.length - 1));
  const drillRoom = Math.max(1, lay.panel - 1 - (drill?.chart && lay.panel >= 12 ? 5 : 0));
  const drillMax = drill ? Math.max(1, drillLines(drill, size.columns, tz).length - drillRoom + 1) : 0;

  const exporting = useRef(false);
  const run = (cmd: Command) => {
    switch (cmd) {
      case 'quit': return exit();
      case 'host': {
        const hosts = h?.hosts ?? [];
        if (hosts.length < 2) return dispatch({ type: 'message', text: hosts.length ? `one host: ${hosts[0]}` : 'the sources name no host' });
        const next = host === null ? hosts[0] : hosts[hosts.indexOf(host) + 1] ?? null;
        setHost(next);
        return dispatch({ type: 'reset', message: `host: ${next ?? 'all'}` });
      }
      case 'export': {
        if (!w || !props.onExport || exporting.current) return;
        exporting.current = true;
        dispatch({ type: 'message', text: 'exporting the postmortem...' });
        props.onExport(w).then((m) => dispatch({ type: 'message', text: m }), (e: Error) => dispatch({ type: 'message', text: `export failed: ${e.message}` }))
          .finally(() => { exporting.current = false; });
        return;
      }
    }
    const action = actionFor(cmd, { state, buckets: buckets.length, spikes, table, rows, selected, drillLines: drillMax, page: Math.max(1, lay.panel - 3), panels: allPanels });
    if (action) dispatch(action);
  };

  // Keys can arrive faster than renders (typing, pasting, scripts): the filter's editing state
  // and text live in refs so no keystroke is judged by a stale render; the handler itself is
  // the latest render's.
  const editing = useRef(false);
  const filterText = useRef('');
  const handler = useRef<(input: string, key: Key) => void>(() => undefined);
  handler.current = (input, key) => {
    if (editing.current) {
      if (key.return || key.escape) {
        editing.current = false;
        if (key.escape) filterText.current = '';
        return dispatch({ type: key.escape ? 'filter-cancel' : 'filter-done' });
      }
      if (key.backspace || key.delete) filterText.current = filterText.current.slice(0, -1);
      else if (input && !key.ctrl && !key.meta) filterText.current += input;
      else return;
      return dispatch({ type: 'filter-text', text: filterText.current });
    }
    const cmd = commandFor(input, key);
    if (cmd === 'filter') {
      editing.current = true;
      filterText.current = state.filter;
    }
    if (cmd === 'back' && state.filter && !state.drill && !state.help) filterText.current = '';
    if (cmd) run(cmd);
  };
  useInput((input, key) => handler.current(input, key));

  const loading = header.loading || timeline.loading;
  return (
    <Box flexDirection="column" width={size.columns}>
      <Header header={h} window={w} zoomDepth={state.zoom.length - 1} tz={tz} live={live} loading={loading} host={host} />
      {state.help ? (
        <Box height={lay.help + 2} flexDirection="column"><Help height={lay.help + 2} /></Box>
      ) : (
        <>
          {tl ? (
            <Timeline buckets={buckets} bucketMs={tl.window.bucketMs} spikes={spikes} cursor={shownCursor} mark={shownMark}
              offset={shownOffset} width={size.columns} height={lay.chart} tz={tz} color={props.color} detail={detail.data} />
          ) : (
            <Box height={lay.chart + 4}><Text dimColor>{h && h.from === null ? 'no rows yet: waiting for data' : header.error ? `cannot read the database: ${termSafe(header.error)}` : 'loading the timeline...'}</Text></Box>
          )}
          <Tabs panel={state.panel} extra={userPanels} width={size.columns} color={props.color} />
          <Box height={lay.panel} flexDirection="column" overflow="hidden">
            {state.drill ? (
              <DrillView data={drill} scroll={state.drillRow} width={size.columns} height={lay.panel} tz={tz} color={props.color}
                loading={body.loading} error={body.error} />
            ) : (
              <Panel table={table} rows={rows} selected={selected} sortKey={table?.sorts[sortIndex]} width={size.columns}
                height={lay.panel} tz={tz} color={props.color} loading={body.loading} error={body.error} />
            )}
          </Box>
        </>
      )}
      <Footer editingFilter={state.editingFilter} filter={state.filter} message={state.message} width={size.columns} />
    </Box>
  );
}
