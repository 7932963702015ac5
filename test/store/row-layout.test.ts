// One row layout (issue #14): src/store/row-layout.ts names the columns; the encoder
// (src/ingest/request-encoding.ts) writes them by position, for speed; the writer's INSERT names
// them from the layout and native/bulk_insert.c binds them knowing only the widths it is handed.
// A record whose every field holds a value of its own must come back from the `requests` view
// with each value under its own name, written natively and from JS: an encoder that wrote two
// fields in each other's place, or a layout whose names moved, fails here.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RequestRecord } from '../../parsers/types.js';
import { openWritable } from '../../src/store/db.js';
import { StoreWriter } from '../../src/store/writer.js';
import { NATIVE_BUILD_FAILED } from '../../src/store/native.js';
import { NUMERIC_COLUMNS, TEXT_COLUMNS } from '../../src/store/row-layout.js';
import { RequestEncoder, StringDictionary } from '../../src/ingest/request-encoding.js';
import { emptyBatch } from '../../src/ingest/batches.js';
import { tempDir } from '../e2e/cli.js';

afterEach(() => {
  delete process.env.OVERLOAD_NATIVE;
});

// Every number distinct from every other, every text too: a value in the wrong column shows.
const RECORD: RequestRecord = {
  ts: 1795338000001, start_ts: 1795338000002, end_ts: 1795338000003, client: 'client-text', method: 'METHOD-TEXT',
  url: '/url-text?u=1', path: '/path-text', query: 'query-text', protocol: 'PROTOCOL-TEXT', status: 404, bytes: 1005,
  request_length: 1006, duration_ms: 1007.5, upstream_ms: 1008.5, upstream_connect_ms: 1009.5, upstream_header_ms: 1010.5,
  upstream_attempts: 11, upstream_addr: 'upstream-addr-text', upstream_status: 502, upstream_raw: 'upstream-raw-text',
  vhost: 'vhost-text', referer: 'referer-text', user_agent: 'user-agent-text', extra: { k: 'extra-text' },
};
const ROUTE = '/route-text';

/** What the `requests` view must show for RECORD, by its column names. */
const EXPECTED: Record<string, unknown> = {
  ts: RECORD.ts, start_ts: RECORD.start_ts, end_ts: RECORD.end_ts, client: RECORD.client, method: RECORD.method, route: ROUTE,
  protocol: RECORD.protocol, status: RECORD.status, bytes: RECORD.bytes, request_length: RECORD.request_length,
  duration_ms: RECORD.duration_ms, upstream_ms: RECORD.upstream_ms, upstream_connect_ms: RECORD.upstream_connect_ms,
  upstream_header_ms: RECORD.upstream_header_ms, upstream_attempts: RECORD.upstream_attempts, upstream_addr: RECORD.upstream_addr,
  upstream_status: RECORD.upstream_status, vhost: RECORD.vhost, referer: RECORD.referer, user_agent: RECORD.user_agent,
  url: RECORD.url, path: RECORD.path, query: RECORD.query, upstream_raw: RECORD.upstream_raw, extra: JSON.stringify(RECORD.extra),
};

function roundTrip(native: boolean): Record<string, unknown> {
  if (native) delete process.env.OVERLOAD_NATIVE;
  else process.env.OVERLOAD_NATIVE = '0';
  const db = openWritable(join(tempDir('overload-layout-'), 't.db'));
  try {
    const writer = new StoreWriter(db);
    // (without a built extension the native case is the JS path again: native-insert.test.ts says why)
    if (!existsSync(NATIVE_BUILD_FAILED)) expect(writer.native).toBe(native);
    const source = writer.createSource({ path: 'a', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    const encoder = new RequestEncoder(new StringDictionary(writer.reserveStringIds()));
    encoder.add(RECORD, ROUTE);
    writer.writeBatch(source, null, { ...emptyBatch(), requests: encoder.take(), lines: 1, parsed: 1 });
    return db.prepare('SELECT * FROM requests').get() as Record<string, unknown>;
  } finally {
    db.close();
  }
}

describe('the row layout', () => {
  it('covers every stored request column once (the id columns by their names without _id)', () => {
    const names = [...NUMERIC_COLUMNS, ...TEXT_COLUMNS].map((c) => c.replace(/_id$/, ''));
    expect(new Set(names).size).toBe(names.length);
    expect([...names].sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each([['from JS', false], ['natively', true]])('puts each value of a record under its own name, written %s', (_, native) => {
    const row = roundTrip(native);
    const got = Object.fromEntries(Object.keys(EXPECTED).map((k) => [k, row[k]]));
    expect(got).toEqual(EXPECTED);
  });
});
