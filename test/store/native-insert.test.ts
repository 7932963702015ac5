// The native writer (native/bulk_insert.c, loaded by src/store/native.ts) against the JS path it
// replaces: the same batches written both ways must store the same request_rows, value for value
// and type for type (typeof() tells an INTEGER 1 from a REAL 1.0), texts compared as bytes. Also:
// the normal build really has the extension, and malformed input to overload_insert_rows() is a
// clean SQL error.
import { afterEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWritable } from '../../src/store/db.js';
import { StoreWriter } from '../../src/store/writer.js';
import { loadNative, NATIVE_BUILD_FAILED, NATIVE_EXTENSION, pinMallocMmapThreshold } from '../../src/store/native.js';
import { NUMERIC_COLUMNS, NUMERIC_WIDTH, ROW_WIDTH, TEXT_COLUMNS, type EncodedRequests } from '../../src/store/row-layout.js';
import { emptyBatch } from '../../src/ingest/batches.js';
import type { Batch } from '../../src/store/batch.js';
import { cli, story, storyDb, storyIngestArgs, storyRun, STORIES, tempDir } from '../fixtures.js';

/** The build step said it could not compile (then the writer's JS path is all there is). */
const buildFailed = existsSync(NATIVE_BUILD_FAILED);
const buildFailure = buildFailed ? readFileSync(NATIVE_BUILD_FAILED, 'utf8').split('\n').slice(0, 3).join(' ') : '';

afterEach(() => {
  delete process.env.OVERLOAD_NATIVE;
});

/** A row as JS values: NUMERIC_WIDTH numbers (NaN = NULL), then TEXT_WIDTH texts (a Buffer: raw bytes). */
interface Row {
  nums: number[];
  texts: Array<string | Buffer | null>;
}

/** Rows in the encoder's layout (src/ingest/request-encoding.ts). */
function encode(rows: Row[]): EncodedRequests {
  const nums = new Float64Array(rows.length * ROW_WIDTH);
  const parts: Buffer[] = [];
  rows.forEach((r, k) => {
    nums.set(r.nums, k * ROW_WIDTH);
    r.texts.forEach((t, c) => {
      const bytes = t === null ? null : typeof t === 'string' ? Buffer.from(t, 'utf8') : t;
      nums[k * ROW_WIDTH + NUMERIC_WIDTH + c] = bytes ? bytes.length : NaN;
      if (bytes) parts.push(bytes);
    });
  });
  return { count: rows.length, nums, text: new Uint8Array(Buffer.concat(parts)), strings: [] };
}

function batchOf(requests: EncodedRequests): Batch {
  return { ...emptyBatch(), requests, lines: requests.count, parsed: requests.count };
}

const COLUMNS = ['id', 'source_id', 'host_id', ...NUMERIC_COLUMNS, ...TEXT_COLUMNS];
/** Every column's storage class, and its value: texts as hex (their bytes), integers as BigInt. */
const DUMP_SQL = 'SELECT ' + COLUMNS.map((c) =>
  `typeof(${c}) AS "${c}:type", CASE typeof(${c}) WHEN 'text' THEN hex(${c}) ELSE ${c} END AS "${c}"`).join(', ') +
  ' FROM request_rows ORDER BY id';

function dump(db: Database.Database): unknown[] {
  return db.prepare(DUMP_SQL).safeIntegers(true).all();
}

/** Writes the batches (to sources without and with a host) into a fresh database, natively or not. */
function write(batches: EncodedRequests[], native: boolean): unknown[] {
  if (native) delete process.env.OVERLOAD_NATIVE;
  else process.env.OVERLOAD_NATIVE = '0';
  const db = openWritable(join(tempDir('overload-native-'), 't.db'));
  try {
    const writer = new StoreWriter(db);
    expect(writer.native).toBe(native);
    const plain = writer.createSource({ path: 'a', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    const tagged = writer.createSource({ path: 'b', format: 'nginx', host: 'web-1', tz: 'UTC', identity: null, formatSpec: null });
    batches.forEach((b, i) => writer.writeBatch(i % 2 ? tagged : plain, i % 2 ? 'web-1' : null, batchOf(b)));
    return dump(db);
  } finally {
    db.close();
  }
}

function expectSameBothWays(batches: EncodedRequests[]): unknown[] {
  const js = write(batches, false);
  const native = write(batches, true);
  expect(native.length).toBe(batches.reduce((n, b) => n + b.count, 0));
  expect(native).toEqual(js);
  return native;
}

// Numbers that a double may carry into an INTEGER or a REAL column.
const NUMBERS = [NaN, 0, -0, 1, -1, 7, 1.5, -2.25, 0.1, 1e-300, 5e-324, 2 ** 31, 2 ** 32 + 1, 2 ** 53 - 1, -(2 ** 53 - 1),
  2 ** 53, 2 ** 63, -(2 ** 63), 2 ** 64, 1e300, Infinity, -Infinity, 1795338000000, 1795338000000.5];
const MB = 'x'.repeat(1 << 20);
const TEXTS: Array<string | null> = [null, '', 'a', '/api/orders/85247/items?page=31', '\u0000', 'a\u0000b\u0000', '/ünïcödé/пример?ключ=значение',
  '😀 emoji 🧵', '日本語', '\u{10FFFF}', 'lone \ud800 surrogate', '"quoted" \\ back\n\ttab', '{"connection":41,"remote_user":null}'];

/** Deterministic pseudo-random numbers (mulberry32). */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function randomRows(n: number, seed: number): Row[] {
  const rnd = prng(seed);
  const pick = <T>(a: T[]): T => a[Math.floor(rnd() * a.length)];
  return Array.from({ length: n }, () => ({
    // (ts is NOT NULL)
    nums: NUMERIC_COLUMNS.map((_, c) => (c === 0 ? pick(NUMBERS.filter((v) => v === v)) : pick(NUMBERS))),
    texts: TEXT_COLUMNS.map(() => pick(TEXTS)),
  }));
}

describe.skipIf(buildFailed)('the native extension in the normal build', () => {
  it('is built and the writer uses it unless OVERLOAD_NATIVE=0', () => {
    // (fails when the .node is missing although the build did not report a failure)
    expect(existsSync(NATIVE_EXTENSION), `${NATIVE_EXTENSION} missing, and no ${NATIVE_BUILD_FAILED}`).toBe(true);
    const db = openWritable(':memory:');
    expect(new StoreWriter(db).native).toBe(true);
    expect(db.prepare("SELECT count(*) AS n FROM pragma_function_list WHERE name = 'overload_insert_rows'").get()).toEqual({ n: 1 });
    db.close();
    process.env.OVERLOAD_NATIVE = '0';
    const plain = openWritable(':memory:');
    expect(new StoreWriter(plain).native).toBe(false);
    plain.close();
  });

  it("pins glibc malloc's mmap threshold for the ingest, and refuses a nonsense size", () => {
    const onGlibc = Boolean((process.report.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime);
    const db = openWritable(':memory:');
    expect(pinMallocMmapThreshold(db)).toBe(onGlibc);
    expect(() => db.prepare('SELECT overload_pin_mmap_threshold(0)').get()).toThrow(/bytes must be in/);
    expect(() => db.prepare('SELECT overload_pin_mmap_threshold(1 << 30)').get()).toThrow(/bytes must be in/);
    db.close();
    process.env.OVERLOAD_NATIVE = '0';
    const plain = openWritable(':memory:');
    expect(pinMallocMmapThreshold(plain)).toBe(false);
    plain.close();
  });
});

it.skipIf(!buildFailed)('reports why the native extension was not built', () => {
  // Not a failure: the build said it could not compile, and the JS path does the work.
  console.warn(`native extension not built: ${buildFailure}`);
});

describe.skipIf(buildFailed)('native and JS writers store identical request_rows', () => {
  it('for every kind of number and text, in batches of one row, 63/64/65 rows and thousands', () => {
    const each: Row[] = [];
    // every number in every numeric column, every text in every text column
    for (let i = 0; i < Math.max(NUMBERS.length, TEXTS.length); i++) {
      each.push({
        nums: NUMERIC_COLUMNS.map((_, c) => (c === 0 ? 1795338000000 + i : NUMBERS[(i + c) % NUMBERS.length])),
        texts: TEXT_COLUMNS.map((_, c) => TEXTS[(i + c) % TEXTS.length]),
      });
    }
    const rows = expectSameBothWays([
      encode(each),
      encode(randomRows(1, 1)),
      encode(randomRows(63, 2)),
      encode(randomRows(64, 3)),
      encode(randomRows(65, 4)),
      encode(randomRows(5000, 5)),
    ]) as Array<Record<string, unknown>>;
    // (and the values are what SQLite makes of a bound double: affinity decides)
    const types = new Set(rows.flatMap((r) => [`status ${String(r['status:type'])}`, `duration_ms ${String(r['duration_ms:type'])}`]));
    expect(types).toEqual(new Set(['status integer', 'status real', 'status null', 'duration_ms real', 'duration_ms null']));
    const big = rows.find((r) => r.bytes === BigInt(2 ** 53 - 1));
    expect(big?.['bytes:type']).toBe('integer');
  });

  it('for many sources in turn (more INSERTs than the extension keeps prepared)', () => {
    const js: unknown[][] = [];
    for (const native of [false, true]) {
      if (native) delete process.env.OVERLOAD_NATIVE;
      else process.env.OVERLOAD_NATIVE = '0';
      const db = openWritable(join(tempDir('overload-native-'), 't.db'));
      const writer = new StoreWriter(db);
      const sources = Array.from({ length: 12 }, (_, i) => writer.createSource({
        path: `s${i}`, format: 'nginx', host: i % 3 ? `h${i}` : null, tz: 'UTC', identity: null, formatSpec: null,
      }));
      // 64 rows take the 64-row INSERT only, 65 also the one-row INSERT: preparing it must not
      // evict the other, in use for the same call (here the oldest of the 8 kept)
      const write = (i: number, rows: number, seed: number) =>
        writer.writeBatch(sources[i], i % 3 ? `h${i}` : null, batchOf(encode(randomRows(rows, seed))));
      for (let i = 0; i < 8; i++) write(i, 64, 100 + i);
      write(0, 65, 200);
      const rnd = prng(11);
      for (let round = 0; round < 40; round++) {
        const i = Math.floor(rnd() * sources.length);
        const rows = [1, 64, 65, 128, 130][Math.floor(rnd() * 5)];
        write(i, rows, round);
      }
      js.push(dump(db));
      db.close();
    }
    expect(js[1].length).toBeGreaterThan(1000);
    expect(js[1]).toEqual(js[0]);
  });

  it('for a 1 MB text and a batch of only empty and NULL texts', () => {
    const huge: Row = { nums: NUMERIC_COLUMNS.map((_, c) => c + 1), texts: [MB + '😀', null, '', MB, 'tail'] };
    const empty: Row = { nums: NUMERIC_COLUMNS.map(() => 1), texts: ['', null, '', null, ''] };
    const rows = expectSameBothWays([encode([huge]), encode([empty, empty])]) as Array<Record<string, unknown>>;
    expect(String(rows[0].url).length).toBe(2 * ((1 << 20) + 4));
  });

  it('for bytes that are not valid UTF-8 (both replace each bad sequence with U+FFFD)', () => {
    // The encoder only writes valid UTF-8; these pin down that the C side decodes as V8 does.
    const bad = ['80', 'bf', 'c0 80', 'c1 bf', 'c2', 'c2 41', 'e0 80 80', 'e0 9f bf', 'e0 a0', 'e2 82', 'e2 82 41', 'ed a0 80',
      'ed bf bf', 'ef bb bf 41', 'f0 80 80 80', 'f0 8f bf bf', 'f0 9f 98', 'f0 9f 98 41', 'f4 90 80 80', 'f5 80 80 80', 'f8 88 80 80 80',
      'fe', 'ff', 'fc 84 80 80 80 80', 'e1 80 e2 f0 91 92 f1 bf 41', '61 00 ff 62', 'c3 a9 80 c3'];
    const rnd = prng(42);
    const randomBytes = Array.from({ length: 400 }, () => Buffer.from(Array.from({ length: Math.floor(rnd() * 24) },
      () => (rnd() < 0.3 ? 0x41 : Math.floor(rnd() * 256)))));
    const texts = [...bad.map((h) => Buffer.from(h.replace(/ /g, ''), 'hex')), ...randomBytes];
    const rows = texts.map((t, i) => ({ nums: NUMERIC_COLUMNS.map(() => i), texts: [t, null, t, Buffer.concat([Buffer.from('x'), t]), t] }));
    expectSameBothWays([encode(rows), encode(rows.slice(0, 64)), encode(rows.slice(0, 1))]);
  });
});

describe.skipIf(buildFailed)('overload_insert_rows() on malformed input', () => {
  const insert = (rows: number) => `INSERT INTO request_rows (source_id, host_id, ${[...NUMERIC_COLUMNS, ...TEXT_COLUMNS].join(', ')}) VALUES ` +
    Array(rows).fill(`(1, NULL, ${Array(ROW_WIDTH).fill('?').join(', ')})`).join(', ');

  function setup(): { db: Database.Database; call: (...args: unknown[]) => unknown; count: () => number } {
    const db = openWritable(join(tempDir('overload-native-'), 'm.db'));
    expect(loadNative(db)).toBe(true);
    new StoreWriter(db).createSource({ path: 'a', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    const stmt = db.prepare(`SELECT overload_insert_rows(${Array(6).fill('?').join(', ')})`).pluck();
    return {
      db, call: (...args) => stmt.get(...args),
      count: () => (db.prepare('SELECT count(*) AS n FROM request_rows').get() as { n: number }).n,
    };
  }

  const good = encode(randomRows(3, 7));
  const blob = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);
  const text = Buffer.from(good.text);
  const withLength = (row: number, col: number, len: number) => {
    const nums = good.nums.slice();
    nums[row * ROW_WIDTH + NUMERIC_WIDTH + col] = len;
    return blob(nums);
  };
  const firstLength = good.nums.slice(NUMERIC_WIDTH, ROW_WIDTH).find((v) => v === v && v > 0)!;
  const firstLengthCol = good.nums.slice(NUMERIC_WIDTH, ROW_WIDTH).indexOf(firstLength);

  it('is a clean SQL error, inserts nothing, and leaves the connection usable', () => {
    const { db, call, count } = setup();
    expect(firstLength).toBeGreaterThan(0);
    const W = [NUMERIC_WIDTH, TEXT_COLUMNS.length] as const;
    const cases: Array<[unknown[], RegExp]> = [
      [[insert(1), blob(good.nums).subarray(0, 7), text, ...W, null], /nums holds 7 bytes, not a whole number of rows of 25 doubles/],
      [[insert(1), blob(good.nums).subarray(0, 8 * ROW_WIDTH + 8), text, ...W, null], /not a whole number of rows/],
      [[insert(1), blob(good.nums), text.subarray(0, text.length - 1), ...W, null], /does not fit|add up to/],
      [[insert(1), blob(good.nums), Buffer.alloc(0), ...W, null], /does not fit/],
      [[insert(1), withLength(2, 4, 1e9), text, ...W, null], /row 2, text 4: length 1e\+09 does not fit/],
      [[insert(1), withLength(0, firstLengthCol, -1), text, ...W, null], /row 0, text \d: length -1 does not fit/],
      [[insert(1), withLength(0, firstLengthCol, firstLength - 0.5), text, ...W, null], /row 0, text \d: length [\d.]+ does not fit/],
      [[insert(1), withLength(0, firstLengthCol, Infinity), text, ...W, null], /length -?inf does not fit/i],
      [[insert(1), blob(good.nums), Buffer.concat([text, Buffer.from('!')]), ...W, null], /text lengths add up to \d+ bytes, text holds \d+/],
      [[insert(1), 'not a blob', text, ...W, null], /nums and text must be blobs/],
      [[insert(1), blob(good.nums), text, 20.5, 5, null], /numeric_width and text_width must be whole numbers/],
      [[insert(1), blob(good.nums), text, '20', 5, null], /numeric_width and text_width must be whole numbers/],
      [[insert(1), blob(good.nums), text, 0, 0, null], /bad row width/],
      [[insert(1), blob(good.nums), text, 21, 5, null], /not a whole number of rows of 26|not a multiple/],
      [[insert(2), blob(good.nums), text, ...W, null], /3 rows are not a multiple of 2 rows per INSERT/],
      [[insert(2), blob(good.nums), text, ...W, insert(2)], /the one-row INSERT has 50 parameters, not 25/],
      [['INSERT INTO nowhere VALUES (?)', blob(good.nums), text, ...W, null], /cannot prepare the INSERT: no such table: nowhere/],
      [['SELECT 1', blob(good.nums), text, ...W, null], /the INSERT has 0 parameters/],
      [['  ', blob(good.nums), text, ...W, null], /cannot prepare the INSERT: no statement/],
      [[insert(2), blob(good.nums), text, ...W, 'INSERT INTO'], /cannot prepare the one-row INSERT: incomplete input/],
      [[null, blob(good.nums), text, ...W, null], /the INSERT statements must be text/],
    ];
    for (const [args, message] of cases) {
      let error: unknown = null;
      try {
        call(...args);
      } catch (e) {
        error = e;
      }
      expect(error, `no error for ${String(message)}`).toBeInstanceOf(Database.SqliteError);
      expect((error as Error).message).toMatch(/^overload_insert_rows: /);
      expect((error as Error).message).toMatch(message);
      expect(count()).toBe(0);
    }
    expect(() => db.prepare('SELECT overload_insert_rows(1, 2)').get()).toThrow(/expects 5 to 7 arguments, got 2/);
    // the same connection still inserts a good batch
    expect(call(insert(2), blob(good.nums), text, ...W, insert(1))).toBe(3);
    expect(count()).toBe(3);
    // no rows: nothing to do
    expect(call(insert(64), Buffer.alloc(0), Buffer.alloc(0), ...W, null)).toBe(0);
    db.close();
  });

  it('reports a constraint failure with its code, and the transaction rolls the batch back', () => {
    const { db, call, count } = setup();
    const nums = randomRows(3, 8);
    nums[2].nums[0] = NaN; // ts is NOT NULL
    const r = encode(nums);
    const run = db.transaction(() => call(insert(1), blob(r.nums), Buffer.from(r.text), NUMERIC_WIDTH, TEXT_COLUMNS.length, null));
    expect(run).toThrow(expect.objectContaining({
      code: 'SQLITE_CONSTRAINT_NOTNULL', message: 'overload_insert_rows: row 2: NOT NULL constraint failed: request_rows.ts',
    }));
    expect(count()).toBe(0);
    // (a failed step of a multi-row INSERT names its rows)
    const many = db.transaction(() => call(insert(3), blob(r.nums), Buffer.from(r.text), NUMERIC_WIDTH, TEXT_COLUMNS.length, null));
    expect(many).toThrow('overload_insert_rows: rows 0 to 2: NOT NULL constraint failed: request_rows.ts');
    // and a foreign key: source 2 does not exist (keys are checked on a connection that enforces
    // them: the writer's does not, see openWritable)
    db.pragma('foreign_keys = ON');
    const ok = encode(randomRows(1, 9));
    expect(() => call(insert(1).replace('(1, NULL,', '(2, NULL,'), blob(ok.nums), Buffer.from(ok.text), NUMERIC_WIDTH, TEXT_COLUMNS.length, null))
      .toThrow(expect.objectContaining({ code: 'SQLITE_CONSTRAINT_FOREIGNKEY' }));
    db.close();
  });

  it('cannot run from within its own INSERT', () => {
    const { db } = setup();
    db.exec('CREATE TABLE t (x)');
    const nested = "INSERT INTO t SELECT ? WHERE overload_insert_rows('INSERT INTO t VALUES (?)', x'', x'', 1, 0) IS NOT NULL";
    expect(() => db.prepare('SELECT overload_insert_rows(?, ?, x\'\', 1, 0)').get(nested, blob(new Float64Array([1]))))
      .toThrow('overload_insert_rows: row 0: overload_insert_rows: cannot run from within its own INSERT');
    // (and the busy mark went away with the call)
    expect(db.prepare("SELECT overload_insert_rows('INSERT INTO t VALUES (?)', ?, x'', 1, 0)").pluck().get(blob(new Float64Array([2])))).toBe(1);
    db.close();
  });

  it('inserts in the order of a key when given one: numbers as numbers, texts as bytes, NULL first, ties as given', () => {
    const { db } = setup();
    // (a rowid table: the rowids say in which order the rows went in)
    db.exec('CREATE TABLE t (n, s, u)');
    const rows: Array<[number, string | null, string]> = [
      [2, 'b', 'first b2'], [10, 'b', 'b10'], [2, 'a', 'a2'], [1, null, 'null'], [2, 'b', 'second b2'], [-1, 'ab', 'ab'],
      [3, 'é', 'e-acute'], [3, 'z', 'z'], [1, 'b', 'b1'], [2, 'b', 'third b2'],
    ];
    const nums = new Float64Array(rows.length * 3);
    const texts: Buffer[] = [];
    rows.forEach(([n, s, u], k) => {
      nums[3 * k] = n;
      const b = s === null ? null : Buffer.from(s);
      nums[3 * k + 1] = b ? b.length : NaN;
      if (b) texts.push(b);
      nums[3 * k + 2] = Buffer.byteLength(u);
      texts.push(Buffer.from(u));
    });
    const text = Buffer.concat(texts);
    const call = (key: string | null, per = 1) => db.prepare('SELECT overload_insert_rows(?, ?, ?, 1, 2, ?, ?)').pluck().get(
      `INSERT INTO t VALUES ${Array(per).fill('(?, ?, ?)').join(', ')}`, blob(nums), text, 'INSERT INTO t VALUES (?, ?, ?)', key);
    const inOrder = () => (db.prepare('SELECT u FROM t ORDER BY rowid').pluck().all() as string[]);
    // by (s, n): 'é' is two bytes from 0xC3, after 'z'
    expect(call('1,0', 4)).toBe(rows.length);
    expect(inOrder()).toEqual(['null', 'a2', 'ab', 'b1', 'first b2', 'second b2', 'third b2', 'b10', 'z', 'e-acute']);
    db.exec('DELETE FROM t');
    // by n alone
    expect(call('0')).toBe(rows.length);
    expect(inOrder()).toEqual(['ab', 'null', 'b1', 'first b2', 'a2', 'second b2', 'third b2', 'e-acute', 'z', 'b10']);
    db.exec('DELETE FROM t');
    // no key: as given
    expect(call(null)).toBe(rows.length);
    expect(inOrder()).toEqual(rows.map((r) => r[2]));
    for (const [key, message] of [['1,', /bad key/], ['0,x', /bad key/], ['3', /key column 3 is not one of the row's 3/], ['', /names no column/]] as const) {
      expect(() => call(key)).toThrow(message);
    }
    expect(() => db.prepare('SELECT overload_insert_rows(?, ?, ?, 1, 2, NULL, 7)').get('INSERT INTO t VALUES (?, ?, ?)', blob(nums), text))
      .toThrow(/the key must be a text/);
    db.close();
  });

  it('cannot run from a trigger (it writes: SQLITE_DIRECTONLY)', () => {
    const { db } = setup();
    db.exec(`CREATE TABLE t (x); CREATE TRIGGER t_ins AFTER INSERT ON t BEGIN
      SELECT overload_insert_rows('INSERT INTO t VALUES (?)', x'', x'', 1, 0); END;`);
    expect(() => db.exec('INSERT INTO t VALUES (1)')).toThrow(/unsafe use of overload_insert_rows/);
    db.close();
  });
});

describe.skipIf(buildFailed)('connections that used the native writer', () => {
  it('close for real: the cached statements are finalized, so the WAL is checkpointed and removed', () => {
    const path = join(tempDir('overload-native-'), 'c.db');
    const db = openWritable(path);
    const writer = new StoreWriter(db);
    expect(writer.native).toBe(true);
    const source = writer.createSource({ path: 'a', format: 'nginx', host: null, tz: 'UTC', identity: null, formatSpec: null });
    writer.writeBatch(source, null, batchOf(encode(randomRows(100, 10))));
    expect(existsSync(path + '-wal')).toBe(true);
    db.close();
    // (sqlite3_close() refuses, leaving the WAL, while any statement of the connection is alive)
    expect(existsSync(path + '-wal')).toBe(false);
    const again = new Database(path, { readonly: true });
    expect(again.prepare('SELECT count(*) AS n FROM request_rows').get()).toEqual({ n: 100 });
    again.close();
  });
});

describe.skipIf(buildFailed)('ingest of the bundled incidents with and without OVERLOAD_NATIVE=0', () => {
  // The native side is the run's own ingest of each story (test/global-setup.ts, OVERLOAD_STATS
  // on); the JS side ingests the story's logs again with OVERLOAD_NATIVE=0, in the same order up
  // to its last access log, so both give the same ids to the same rows.
  it.each(STORIES)('gives identical databases: %s', { timeout: 300_000 }, (name) => {
    const s = story(name);
    const access = s.ingest.map((e, i) => (/access/.test(e.file) ? i : -1)).filter((i) => i >= 0);
    const js = join(tempDir('overload-native-e2e-'), 'js.db');
    const argv = storyIngestArgs(s, js).slice(0, Math.max(...access) + 1);
    const jsUsed = argv.map((args) => {
      const r = cli(args, { env: { OVERLOAD_STATS: '1', OVERLOAD_NATIVE: '0' } });
      if (r.status !== 0) throw new Error(`${name}: ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
      return JSON.parse(/overload-stats (\{.*\})/.exec(r.stderr)![1]).native as boolean;
    });
    expect(access.map((i) => storyRun(name).native[i]).every(Boolean), 'the run\'s ingest used the native writer').toBe(true);
    expect(jsUsed.some(Boolean)).toBe(false);
    const read = (path: string, maxString?: number) => {
      const db = new Database(path, { readonly: true });
      const out = {
        requests: db.prepare('SELECT * FROM requests ORDER BY id').safeIntegers(true).all(),
        rows: dump(db),
        strings: db.prepare('SELECT * FROM strings WHERE id <= ? ORDER BY id').all(maxString ?? Number.MAX_SAFE_INTEGER),
      };
      db.close();
      return out;
    };
    const j = read(js);
    // (the logs ingested after the last access log add strings of their own: compare the ones before)
    const maxString = (j.strings as Array<{ id: number }>).reduce((a, r) => Math.max(a, r.id), 0);
    const native = read(storyDb(name), maxString);
    expect(native.requests.length).toBeGreaterThan(500);
    expect(native.requests).toEqual(j.requests);
    expect(native.rows).toEqual(j.rows);
    expect(native.strings).toEqual(j.strings);
  });

  it('gives identical rows for awkward lines read from stdin', () => {
    const dir = tempDir('overload-native-e2e-');
    const lines = [
      '203.0.113.9 - - [22/Nov/2026:09:52:00 +0000] "GET /user/42?x=1 HTTP/1.1" 200 512 "-" "curl/8"',
      '203.0.113.9 - - [22/Nov/2026:09:52:01 +0000] "GET /ünïcödé/пример?ключ=значение&e=😀 HTTP/1.1" 404 0 "https://例え.jp/" "Mozilla/5.0 😀"',
      '203.0.113.9 - - [22/Nov/2026:09:52:02 +0000] "POST /nul\\x00byte?q= HTTP/2.0" 500 - "-" "-"',
      '203.0.113.9 - - [22/Nov/2026:09:52:03 +0000] "GET /' + 'long/'.repeat(8000) + '?' + 'k=v&'.repeat(2000) + ' HTTP/1.1" 200 1 "-" "-"',
    ];
    const input = Buffer.concat([Buffer.from(lines.join('\n') + '\n'),
      // a line that is not UTF-8 (read as Latin-1), and one with a NUL byte
      Buffer.from('203.0.113.9 - - [22/Nov/2026:09:52:04 +0000] "GET /caf\xe9 HTTP/1.1" 200 3 "-" "\xff\xfe"\n', 'latin1'),
      Buffer.from('203.0.113.9 - - [22/Nov/2026:09:52:05 +0000] "GET /a\u0000b HTTP/1.1" 200 3 "-" "-"\n')]);
    const a = cli(['ingest', '--db', join(dir, 'n.db'), '-'], { input, env: { OVERLOAD_NATIVE: '' } });
    const b = cli(['ingest', '--db', join(dir, 'j.db'), '-'], { input, env: { OVERLOAD_NATIVE: '0' } });
    expect([a.status, b.status]).toEqual([0, 0]);
    const read = (name: string) => {
      const db = new Database(join(dir, name), { readonly: true });
      const out = [dump(db), db.prepare('SELECT * FROM requests ORDER BY id').all()];
      db.close();
      return out;
    };
    const native = read('n.db');
    expect((native[0] as unknown[]).length).toBe(6);
    expect(native).toEqual(read('j.db'));
  });
});
