// Log text is attacker-controlled: a URL, a User-Agent or a rejected line can carry escape
// sequences that would retitle, clear or recolour the operator's terminal. Every panel and
// drill-down must show them as visible \xNN text, never emit them.
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, tempDir } from '../e2e/cli.js';
import { open, KEY, type Screen } from './harness.js';

const E = '\x1b';
let db: string;
let screen: Screen | null = null;

beforeAll(() => {
  const dir = tempDir();
  const lines: string[] = [];
  for (let i = 0; i < 30; i++) {
    const t = `22/Nov/2026:09:52:${String(10 + i).padStart(2, '0')} +0000`;
    lines.push(`127.0.0.1 - - [${t}] "GET /evil${E}]0;pwned\x07/x${i % 3}\u202e?q=${E}[31m HTTP/1.1" ${i % 5 ? 200 : 502} ${512 + i} ` +
      `"http://ref${E}[2J/" "Mozilla${E}[2J${E}[31mRED\x07\u202e"`);
  }
  lines.push(`${E}[2J${E}]0;rejected-title\x07 this line matches nothing`);
  writeFileSync(join(dir, 'access.log'), lines.join('\n') + '\n');
  writeFileSync(join(dir, 'error.log'), `2026/11/22 09:52:20 [error] 123#123: *1 connect() to unix:/run/php${E}[31m.sock failed ` +
    `(11: Resource temporarily unavailable) while connecting to upstream, client: 1.2.3.4, server: x, request: "GET /a${E}]0;t\x07 HTTP/1.1", ` +
    `upstream: "fastcgi://unix:/run/php.sock:", host: "x"\n`);
  db = join(dir, 'evil.db');
  const r = cli(['ingest', '--quiet', '--db', db, '--tz', 'UTC', join(dir, 'access.log'), join(dir, 'error.log')]);
  if (r.code !== 0) throw new Error(r.stderr);
});
afterEach(() => { screen?.unmount(); screen = null; });

/** What the frame would do to a terminal beyond ink's own bold/inverse/dim styling. */
function unsafe(frame: string): string[] {
  const withoutStyles = frame.replace(/\x1b\[[0-9;]*m/g, '');
  return [...withoutStyles.matchAll(/[\x00-\x09\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g)].map((m) => JSON.stringify(m[0]));
}

describe('tui never prints control characters from a log', () => {
  it('in every panel and drill-down', async () => {
    screen = await open(db, { columns: 160, rows: 40 });
    const seen: string[] = [];
    const check = async (wait: string) => {
      const f = await screen!.until(wait);
      expect(unsafe(f)).toEqual([]);
      seen.push(f);
    };
    await check('[1 Overview]');
    for (const [key, wait] of [['2', '/evil\\x1b]0;pwned\\x07'], ['3', 'q=\\x1b[31m'], ['4', 'backlog_full'], ['5', 'Slowlog'],
      ['6', 'Upstreams'], ['7', '502'], ['8', 'access.log']] as const) {
      await screen.press(key);
      await check(wait);
    }
    // drill-downs: a route's requests, an event's lines, a source's rejected lines
    await screen.press('2', KEY.enter);
    await check('slowest requests');
    await screen.press(KEY.esc, '4', KEY.enter);
    await check('php\\x1b[31m.sock');
    await screen.press(KEY.esc, '8', KEY.enter);
    await check('\\x1b[2J\\x1b]0;rejected-title\\x07 this line matches nothing');
    // and the filter echoes what is typed safely too
    await screen.press(KEY.esc, '/', '\x07');
    expect(unsafe(screen.frame())).toEqual([]);
    // the bidi override that would reorder the line is shown, not obeyed
    expect(seen.join('\n')).toContain('\\u202e');
  });
});

describe('tui: a NUL or an invisible character in a log line', () => {
  it('neither hides the rest of a message in the drill-down nor reaches the terminal raw', async () => {
    const dir = tempDir();
    // U+2028 breaks a line where none is, U+200B/U+200F/U+061C hide or reorder text
    writeFileSync(join(dir, 'error.log'), `2026/11/22 09:52:20 [error] 123#123: *1 connect() to unix:/run/php.sock failed ` +
      `(11: Resource temporarily unavailable) \u0000TAIL-AFTER-NUL \u2028sep\u200bzw\u200frlm\u061calm while connecting to upstream, ` +
      `client: 1.2.3.4, server: x, request: "GET /a HTTP/1.1", upstream: "fastcgi://unix:/run/php.sock:", host: "x"\n`);
    const nulDb = join(dir, 'nul.db');
    const r = cli(['ingest', '--quiet', '--db', nulDb, '--tz', 'UTC', join(dir, 'error.log')]);
    if (r.code !== 0) throw new Error(r.stderr);
    screen = await open(nulDb, { columns: 200, rows: 40, panel: 'events' });
    await screen.until('backlog_full');
    await screen.press(KEY.enter);
    const f = await screen.until('messages (digits folded to N)');
    // the message shapes' table (digits folded): its one row keeps what follows the NUL
    const shapeRow = f.split('\n').find((l) => l.includes('*N connect()'));
    expect(shapeRow).toContain('\\x00TAIL-AFTER-NUL');
    for (const c of ['\u2028', '\u200b', '\u200f', '\u061c', '\u0000']) expect(f).not.toContain(c);
    expect(f).toContain('\\u2028sep\\u200bzw\\u200frlm\\u061calm');
  });
});
