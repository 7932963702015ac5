// A report as a panel's table, through its `-- columns:` header: the header says what each column
// is and in which unit, so how a cell looks (6.77s, 551K, 52%, 09:53:40) follows the query file,
// for the built-in panels as for a report the user drops into --queries. A panel's view says
// only what a header can not: which of the file's columns fit a terminal and in what order,
// their short titles and widths, the few columns that are not the file's (a bar, a span of two
// stamps), the order `s` cycles through, the note above the table and what Enter opens.
import type { ReportResult } from '../../report/runner.js';
import type { ReportDef } from '../../report/loader.js';
import type { ColumnDef } from '../../report/columns.js';
import { cellValue, columnOf } from '../format.js';
import type { Cell, Column, ColumnKind, DrillKind, Row, Table } from './types.js';

export type ReportRow = Record<string, unknown>;

/** One of the file's columns, drawn as its header declares it. */
export interface FileColumn {
  /**
   * the file's column; several when its sections name the same thing differently (oversized's
   * url of a response, route of a route): a row shows the first that has a value, each value
   * read by its own column's kind and unit, drawn the way the first one's kind is
   */
  from: string | string[];
  /** the table's key (default: the first `from`): what `sorts` and `drillKey` name */
  key?: string;
  /** a short title for a terminal (default: the column's name) */
  title?: string;
  /** cells, when the kind's width does not suit this column's values (a total of minutes) */
  width?: number;
  cut?: 'start';
  /** an id of digits (a status code, a pid) among numbers: right-aligned, drawn as it is */
  align?: 'right';
}

/** A column that is not the file's: made by the panel from a row (in the file's columns). */
export interface PanelColumn {
  key: string;
  title: string;
  kind: ColumnKind;
  width?: number;
  cut?: 'start';
  value: (row: ReportRow) => Cell;
}

export interface PanelView {
  /** the rows the panel shows, still in the file's columns and units (a section, totals, an order) */
  rows?: (r: ReportResult) => ReportRow[];
  columns: Array<FileColumn | PanelColumn>;
  /** keys `s` cycles through, the first the order the rows come in (none: the first column, then each number column) */
  sorts?: string[];
  /** the line above the table (none: a drill's tables have their titles) */
  note?: (rows: ReportRow[], r: ReportResult) => string;
  drill?: DrillKind;
  /** a file column (shown or not) whose value Enter opens */
  drillKey?: string;
}

const isFile = (c: FileColumn | PanelColumn): c is FileColumn => 'from' in c;

/** The header's declaration of a column; a column it does not declare shows as it is. */
function declared(def: ReportDef, r: ReportResult): (name: string) => ColumnDef {
  const byName = new Map(def.columns.map((c) => [c.name, c]));
  return (name) => byName.get(name) ?? {
    name, kind: r.rows.some((x) => typeof x[name] === 'number' || typeof x[name] === 'bigint') ? 'number' : 'text', unit: null,
  };
}

/** Every column of the result, as the header says: a user's report, which has no view. */
export function wholeView(result: ReportResult): PanelView {
  return {
    columns: result.columns.map((name) => ({ from: name })),
    note: () => `${result.title} (report ${result.name})`,
  };
}

/** A report's result as a table: the view's columns, each file column drawn by its header. */
export function viewTable(result: ReportResult, def: ReportDef, view: PanelView = wholeView(result)): Table {
  const decl = declared(def, result);
  const cols = view.columns.map((c) => {
    if (!isFile(c)) return { column: { key: c.key, title: c.title, kind: c.kind, width: c.width, cut: c.cut } as Column, get: c.value };
    const from = typeof c.from === 'string' ? [c.from] : c.from;
    const defs = from.map(decl);
    const look = columnOf(defs[0], c.title);
    const column: Column = { ...look, key: c.key ?? from[0], ...(c.width !== undefined ? { width: c.width } : {}), ...(c.cut ? { cut: c.cut } : {}), ...(c.align ? { align: c.align } : {}) };
    const get = (x: ReportRow): Cell => {
      for (let i = 0; i < defs.length; i++) if (x[from[i]] != null) return cellValue(x[from[i]], defs[i]);
      return null;
    };
    return { column, get };
  });
  const source = view.rows ? view.rows(result) : result.rows;
  const drillKey = view.drillKey;
  const keyed = drillKey !== undefined && !cols.some((c) => c.column.key === drillKey) ? decl(drillKey) : null;
  const rows = source.map((x): Row => {
    const o: Row = {};
    for (const c of cols) o[c.column.key] = c.get(x);
    // the key Enter opens, when the panel does not show it (a fingerprint, an input's id)
    if (keyed) o[keyed.name] = cellValue(x[keyed.name], keyed);
    return o;
  });
  const columns = cols.map((c) => c.column);
  // no sorts named: the report's own order first, then each number column, largest first
  const sorts = view.sorts ? view.sorts
    : columns.length ? [columns[0].key, ...columns.filter((c, i) => i > 0 && c.kind !== 'text').map((c) => c.key)] : [];
  return { columns, rows, sorts, ...(view.note ? { note: view.note(source, result) } : {}), ...(view.drill ? { drill: view.drill, drillKey } : {}) };
}
