// Keystrokes -> commands. One table, so the footer and the `?` help describe exactly what the
// handler does. Commands carry no data; the App resolves them against what is on screen.
import type { Key } from 'ink';

export type Command =
  | 'quit' | 'help' | 'left' | 'right' | 'extend-left' | 'extend-right' | 'mark-start' | 'mark-end'
  | 'enter' | 'back' | 'finer' | 'coarser' | 'next-spike' | 'prev-spike' | 'next-panel' | 'prev-panel'
  | 'up' | 'down' | 'page-up' | 'page-down' | 'home' | 'end' | 'filter' | 'sort' | 'export' | 'host'
  | `panel-${number}`;

export function commandFor(input: string, key: Key): Command | null {
  if (key.leftArrow) return key.shift ? 'extend-left' : 'left';
  if (key.rightArrow) return key.shift ? 'extend-right' : 'right';
  if (key.upArrow) return 'up';
  if (key.downArrow) return 'down';
  if (key.pageUp) return 'page-up';
  if (key.pageDown) return 'page-down';
  if (key.home) return 'home';
  if (key.end) return 'end';
  if (key.return) return 'enter';
  // most terminals send DEL (0x7f) for Backspace, which ink reports as `delete`
  if (key.escape || key.backspace || key.delete) return 'back';
  if (key.tab) return key.shift ? 'prev-panel' : 'next-panel';
  if (key.ctrl && input === 'c') return 'quit';
  switch (input) {
    case 'q': return 'quit';
    case '?': return 'help';
    case '[': return 'mark-start';
    case ']': return 'mark-end';
    case '+': case '=': return 'finer';
    case '-': case '_': return 'coarser';
    case 'n': return 'next-spike';
    case 'p': case 'N': return 'prev-spike';
    case '/': return 'filter';
    case 's': return 'sort';
    case 'e': return 'export';
    case 'H': return 'host';
    case 'h': return 'left';
    case 'l': return 'right';
    case 'k': return 'up';
    case 'j': return 'down';
  }
  if (/^[1-9]$/.test(input)) return `panel-${Number(input)}`;
  return null;
}

/** What the footer shows (short) and the help lists (long), in this order. */
export const KEY_HELP: Array<{ keys: string; short?: string; what: string }> = [
  { keys: '← →', short: 'cursor', what: 'move the cursor along the timeline (h / l too)' },
  { keys: '[ ]  shift+← →', short: 'mark', what: 'mark a window: [ at its start, ] at its end, or extend with shift+arrows' },
  { keys: 'Enter', short: 'zoom/open', what: 'zoom into the marked window; with no window marked, open the selected row' },
  { keys: 'Esc Backspace', short: 'back', what: 'close the drill-down, clear the filter or mark, then zoom out' },
  { keys: '+ -', short: 'bucket', what: 'finer / coarser time buckets' },
  { keys: 'n p', short: 'spike', what: 'jump to the next / previous spike and mark it' },
  { keys: 'Tab 1-9', short: 'panel', what: 'switch panel: 1 Overview 2 Endpoints 3 Oversized 4 Events 5 Slowlog 6 Upstreams 7 Status 8 Sources 9 Limits; Tab goes on to your own reports (--queries DIR)' },
  { keys: '↑ ↓ PgUp PgDn', short: 'row', what: 'select a row (j / k too)' },
  { keys: '/', short: 'filter', what: 'filter the rows by text (Enter keeps it, Esc clears it)' },
  { keys: 's', short: 'sort', what: 'cycle the sort column' },
  { keys: 'e', short: 'export', what: "export the window's postmortem to ./overload-postmortem-<from>.md" },
  { keys: 'H', what: 'next host: all, then each host the sources name (a farm, or overload demo)' },
  { keys: '?', short: 'help', what: 'this help' },
  { keys: 'q', short: 'quit', what: 'quit' },
];
