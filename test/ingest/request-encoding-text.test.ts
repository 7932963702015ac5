// RequestEncoder writes a row's texts with one Buffer.write and falls back to one write per
// value when the row is not all ASCII: the bytes and lengths must be each value's own UTF-8,
// as when every value was written on its own (a surrogate pair split between two values must
// stay two replaced halves, not become one character).
import { describe, expect, it } from 'vitest';
import type { RequestRecord } from '../../parsers/types.js';
import { RequestEncoder, StringDictionary } from '../../src/ingest/request-encoding.js';
import { NUMERIC_WIDTH, ROW_WIDTH, TEXT_WIDTH } from '../../src/store/row-layout.js';

function record(url: string | null, path: string | null, query: string | null, upstreamRaw: string | null, extra: Record<string, string | number | null> | null): RequestRecord {
  return {
    ts: 1, start_ts: null, end_ts: null, client: null, method: null, url, path, query, protocol: null, status: null, bytes: null,
    request_length: null, duration_ms: null, upstream_ms: null, upstream_connect_ms: null, upstream_header_ms: null,
    upstream_attempts: null, upstream_addr: null, upstream_status: null, upstream_raw: upstreamRaw, vhost: null, referer: null,
    user_agent: null, extra,
  };
}

/** The texts a row stores (path/query only where the url does not say them), as the encoder decides. */
function storedTexts(r: RequestRecord): Array<string | null> {
  const url = r.url;
  let path = r.path, query = r.query;
  if (url === null || url.includes('\u0000')) {
    path = path === null && url !== null ? '\u0000' : path;
    query = query === null && url !== null ? '\u0000' : query;
  } else {
    const q = url.indexOf('?');
    const pathEnd = q < 0 ? url.length : q;
    path = path !== null && path.length === pathEnd && url.startsWith(path) ? null : (path ?? '\u0000');
    const asInUrl = q < 0 ? query === null : query !== null && query.length === url.length - q - 1 && url.endsWith(query);
    query = asInUrl ? null : (query ?? '\u0000');
  }
  return [url, path, query, r.upstream_raw, r.extra ? JSON.stringify(r.extra) : null];
}

describe('RequestEncoder text', () => {
  const values = ['/a?b=1', '/caf\u00e9', '\uD83D', '\uDE00', '\uD83D\uDE00', '\u0000', 'x\u0000y', '\r\n', '日本', '\u00ff', '', 'urt=0.1 ua=10.0.0.1:80',
    'a'.repeat(5000), '\u00e9'.repeat(3000), 'z\uD800', '\uDC00z'];
  it('stores each value as its own UTF-8, ASCII rows and others, on one buffer that grows', () => {
    const rows: RequestRecord[] = [];
    for (const a of values) for (const b of values) {
      rows.push(record(a, null, null, b, { k: b, n: 1 }));
      rows.push(record(a === '' ? null : a, b === '' ? null : b, a, b, null));
      rows.push(record(null, a, b, null, { [a]: 1.5, z: null }));
    }
    const enc = new RequestEncoder(new StringDictionary(1), 16);
    for (const r of rows) enc.add(r, null);
    const out = enc.take();
    expect(out.count).toBe(rows.length);
    const want: Buffer[] = [];
    rows.forEach((r, k) => {
      storedTexts(r).forEach((v, c) => {
        const len = out.nums[k * ROW_WIDTH + NUMERIC_WIDTH + c];
        if (v === null) expect(len).toBeNaN();
        else {
          const bytes = Buffer.from(v, 'utf8');
          expect(len).toBe(bytes.length);
          want.push(bytes);
        }
      });
    });
    expect(TEXT_WIDTH).toBe(5);
    expect(Buffer.from(out.text).equals(Buffer.concat(want))).toBe(true);
  });

  it('hands each batch over in buffers of its own and fills given-back ones again, not what it handed over', () => {
    const enc = new RequestEncoder(new StringDictionary(1), 16);
    const rowsOf = (k: number) => Array.from({ length: 20 }, (_, i) => record(`/b${k}/${i}`, `/b${k}/${i}`, null, null, null));
    const batch = (k: number) => {
      for (const r of rowsOf(k)) enc.add(r, null);
      return enc.take();
    };
    const textOf = (k: number) => rowsOf(k).map((r) => storedTexts(r).join('')).join('');
    const first = batch(1);
    const second = batch(2);
    // (each batch whole in its own buffers: transferring one must not take the other's rows)
    expect(second.nums.buffer).not.toBe(first.nums.buffer);
    expect(second.text.buffer).not.toBe(first.text.buffer);
    expect(first.nums.byteOffset).toBe(0);
    expect(first.text.byteOffset).toBe(0);
    expect(Buffer.from(first.text).toString()).toBe(textOf(1));
    enc.giveBack(first.nums.buffer as ArrayBuffer, first.text.buffer as ArrayBuffer);
    // the third batch after it: the second's take() took new buffers, this one the given-back ones
    const third = batch(3);
    const fourth = batch(4);
    expect(fourth.nums.buffer).toBe(first.nums.buffer);
    expect(fourth.text.buffer).toBe(first.text.buffer);
    expect(fourth.count).toBe(20);
    expect(Buffer.from(fourth.text).toString()).toBe(textOf(4));
    expect(fourth.nums[19 * ROW_WIDTH + NUMERIC_WIDTH]).toBe('/b4/19'.length);
    expect(Buffer.from(third.text).toString()).toBe(textOf(3));
  });

  // A batch is cut after the group of lines that reaches its size, so it may hold a few hundred
  // rows more than the encoder was made for: its buffers grow by a quarter, not twice, since every
  // later batch's buffers take that size.
  it('grows a batch past its capacity by a quarter', () => {
    const enc = new RequestEncoder(new StringDictionary(1), 2048);
    for (let i = 0; i < 2500; i++) enc.add(record(`/g/${i}`, `/g/${i}`, null, null, null), null);
    const out = enc.take();
    expect(out.count).toBe(2500);
    expect(out.nums.buffer.byteLength).toBe(2560 * ROW_WIDTH * Float64Array.BYTES_PER_ELEMENT);
  });
});
