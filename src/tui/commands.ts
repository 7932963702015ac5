// What each key command does to the state, given what is on screen: a pure function, so the
// App keeps only the commands with effects outside the state (quit, export, host).
import { PANELS, type Drill, type PanelId, type Row, type Spike, type Table } from './data/types.js';
import type { Command } from './keys.js';
import type { Action, UiState } from './state.js';

export interface Screen {
  state: UiState;
  /** buckets in the timeline on screen */
  buckets: number;
  spikes: Spike[];
  /** the open panel's table and its rows after filter and sort */
  table: Table | null;
  rows: Row[];
  selected: number;
  /** lines the open drill-down can scroll through */
  drillLines: number;
  /** rows per PgUp / PgDn */
  page: number;
  /** every panel Tab steps through: the built-in ones, then the user's reports */
  panels: readonly PanelId[];
}

export function actionFor(cmd: Command, x: Screen): Action | null {
  const rowCount = x.state.drill ? x.drillLines : x.rows.length;
  if (cmd.startsWith('panel-')) return { type: 'panel', panel: PANELS[Number(cmd.slice(6)) - 1] };
  switch (cmd) {
    case 'help': return { type: 'help' };
    case 'left': return { type: 'cursor', delta: -1 };
    case 'right': return { type: 'cursor', delta: 1 };
    case 'extend-left': return { type: 'cursor', delta: -1, extend: true };
    case 'extend-right': return { type: 'cursor', delta: 1, extend: true };
    case 'home': return { type: 'cursor-to', index: 0 };
    case 'end': return { type: 'cursor-to', index: x.buckets - 1 };
    case 'mark-start': return { type: 'mark-start' };
    case 'mark-end': return { type: 'mark-end' };
    case 'finer': return { type: 'bucket', dir: -1 };
    case 'coarser': return { type: 'bucket', dir: 1 };
    case 'next-spike': return { type: 'spike', dir: 1, spikes: x.spikes };
    case 'prev-spike': return { type: 'spike', dir: -1, spikes: x.spikes };
    case 'next-panel': return { type: 'panel-step', dir: 1, panels: x.panels };
    case 'prev-panel': return { type: 'panel-step', dir: -1, panels: x.panels };
    case 'up': return { type: 'row', delta: -1, rows: rowCount };
    case 'down': return { type: 'row', delta: 1, rows: rowCount };
    case 'page-up': return { type: 'row', delta: -x.page, rows: rowCount };
    case 'page-down': return { type: 'row', delta: x.page, rows: rowCount };
    case 'back': return { type: 'back' };
    case 'filter': return { type: 'filter-start' };
    case 'sort': return { type: 'sort', sorts: x.table?.sorts.length ?? 0 };
    case 'enter': return { type: 'enter', table: x.state.drill ? null : x.table, rows: x.rows };
    default: return null;
  }
}
