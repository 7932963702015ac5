// `node dist/bench/equivalence.js [--check FILE] [--write FILE] [--only NAME]`: proof that a change
// to the parse worker's stages stores the same values. Runs what parse-worker.ts runs (split ->
// BatchBuilder with the real router and string dictionary) over the benchmark log, every access
// log of fixtures/, the bundled incidents with their ingest flags, the shared samples, every
// format's samples and a generated file of awkward lines, and prints one SHA-256 per input over
// every batch: `nums` bit for bit (NaN payloads included), the text bytes, the new dictionary
// strings, events, traces, rejects and counters, in batch order. A speed-up is only kept when
// every hash is unchanged (`--check bench/equivalence-baseline.txt`).
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createGunzip } from 'node:zlib';
import { FORMATS, findFormat } from '../parsers/index.js';
import type { LineParser, ParserOptions, RejectReason } from '../parsers/types.js';
import { BatchBuilder } from '../src/ingest/batches.js';
import type { Batch } from '../src/store/batch.js';
import { detectFormat, sampleLines } from '../src/ingest/detect.js';
import { splitLines } from '../src/ingest/line-splitter.js';
import { StringDictionary } from '../src/ingest/request-encoding.js';
import { resolveUserFormat } from '../src/cli/user-format.js';
import { createRouter, parseRouteRules, type RouteRule } from '../src/util/route.js';
import { arg } from './args.js';
import { BENCH_LOG_FORMAT } from './generate-log.js';
import { rng } from './random.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

interface Input {
  name: string;
  /** the bytes, as a stream of chunks (what the main thread hands the worker) */
  chunks: () => AsyncIterable<Buffer>;
  /** --format / --log-format / --nginx-conf (+ name), as a user would pass them */
  flags: { format?: string; logFormat?: string; nginxConf?: string; logFormatName?: string };
  options?: Partial<ParserOptions>;
  routeRules?: RouteRule[];
  batchSize?: number;
  maxLine?: number;
  /** a small dictionary, so the start-over path runs too */
  dictionary?: [number, number];
}

function fileChunks(path: string): () => AsyncIterable<Buffer> {
  return () => {
    const raw = createReadStream(path, { highWaterMark: 1 << 20 });
    return path.endsWith('.gz') ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  };
}

/** `buf` in chunks of random sizes (1 byte to 64 KiB): lines cut anywhere, even inside a character. */
function raggedChunks(buf: Buffer, seed: number): () => AsyncIterable<Buffer> {
  return () => {
    const rand = rng(seed);
    const parts: Buffer[] = [];
    for (let at = 0; at < buf.length;) {
      const r = rand();
      const n = r < 0.2 ? 1 + Math.floor(rand() * 8) : 1 + Math.floor(rand() * 65536);
      parts.push(buf.subarray(at, at + n));
      at += n;
    }
    return Readable.from(parts);
  };
}

/**
 * Lines no benchmark has: the benchmark log's own lines mutated (escapes, non-ASCII text, bytes
 * that are no UTF-8, NUL, CR, long values, cut lines, bad numbers and stamps), plus paths that
 * exercise every route rule.
 */
function awkwardLog(seed: number, count: number, maxLine: number, combined = false): Buffer {
  let base = readFileSync(join(root, 'bench-data', 'nginx-1000000.log')).subarray(0, 3 << 20).toString('latin1').split('\n').slice(0, 4000);
  if (combined) base = base.map((l) => l.replace(/ rt=.*$/, '').replace(/(" \d{3} \d+) \d+ "/, '$1 "')); // plain combined: no key=value tail
  const rand = rng(seed);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)];
  const paths = [
    '/', '/a', '/user/123', '/user/-5', '/user/-', '/x/12ab34cd56ef78', '/x/abcdefabcdef', '/f/123e4567-e89b-12d3-a456-426614174000',
    '/d/2024-01-31', '/d/2024-01-31T10:20:30', '/d/20240131', '/m/bob@example.com', '/t/A1b2C3d4E5f6G7h8I9j0K', '/t/aaaaaaaaaaaaaaaaaaaaaaaa1',
    '/i/42.jpg', '/s/jquery-3.7.1.min.js', '/s/app.9f8e7d6c5b4a3f2e.js', '/v/1.2.3', '/r/123.tar.gz', '/p/ü/123', '/p/%C3%BC/7',
    '/é', '/日本/123', '/e/😀/1', '//double//slash/9', '/trail/', '/q?x=1', '/q?', '?only', 'http://host.example/abs/1?x', 'https://h/',
    'http://h', '*', '/a b', '/x\\x22y/1', '/x\\\\y', '/.', '/..', '/123.', '/.123', '/a.b.c.d.e', '/9999999999999999999999',
    '/user/0x1F', '/hex/DEADBEEFCAFE1', '/' + 'a1'.repeat(600), '/ws/x@y', '/@', '/1@2.io',
  ];
  const texts = [
    'é', 'ü', '日本語', '😀', '\u0000', '\r', '\t', '\\x22', '\\\\', '\\"', '\\x5C', '\\xC3\\xA9', '\\xFF', '\\u00e9', '"', "'", ' ',
    '\u2028', '-', '', 'a'.repeat(300), 'ß'.repeat(200), '\u00ff\u00fe', '\\', 'x\\', '\\x2', '\\xZZ',
  ];
  const bad = [Buffer.from([0xff]), Buffer.from([0xc3]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0xe9]), Buffer.from([0xf0, 0x9f, 0x98])];
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    let line = pick(base);
    const r = rand();
    const kind = Math.floor(rand() * 22);
    if (r < 0.15) { out.push(Buffer.from(line + '\n', 'latin1')); continue; } // unchanged
    switch (kind) {
      case 0: line = line.replace(/"GET [^ ]+ /, `"GET ${pick(paths)} `); break;
      case 1: line = line.replace(/"GET [^ ]+ /, `"${pick(['POST', 'M-SEARCH', 'get', 'X_Y', '1GET', '\\x16\\x03'])} ${pick(paths)} `); break;
      case 2: line = line.replace(/"Mozilla[^"]*"|"curl[^"]*"|"Googlebot[^"]*"/, `"${pick(texts)}${pick(texts)}"`); break;
      case 3: line = line.replace(/"-" "/, `"${pick(texts)}http://ref.example/${pick(texts)}" "`); break;
      case 4: { const at = Math.floor(rand() * line.length); line = line.slice(0, at) + pick(texts) + line.slice(at); break; }
      case 5: line = line.slice(0, Math.floor(rand() * line.length)); break; // cut
      case 6: line = line.replace(/ (\d{3}) (\d+) (\d+) /, ` ${pick(['200', '-', '', '2x0', '099', '1e2', '200.5', '-1'])} ${pick(['0', '-', '12.5', '1e3', '+5', '00012', '99999999999999999999'])} $3 `); break;
      case 7: line = line.replace(/rt=[^ ]+/, `rt=${pick(['-', '', '0.5', '.5', '5.', '1e-3', '-0.001', 'abc', '1.0000000000000000001', '123456789012345678'])}`); break;
      case 8: line = line.replace(/urt="[^"]*"/, `urt="${pick(['-', '1.000, 0.002', '0.1 : 0.2', '-, -', '0.1, x', ', ', '0.5 : - , 0.1', ''])}"`); break;
      case 9: line = line.replace(/ua="[^"]*"/, `ua="${pick(['-', '10.0.0.1:80, 10.0.0.2:80', 'a : b', 'unix:/x.sock', '-, -', ''])}"`); break;
      case 10: line = line.replace(/us="[^"]*"/, `us="${pick(['-', '502, 200', '200 : 404', 'x', '-, -', ''])}"`); break;
      case 11: line = line.replace(/\[[^\]]+\]/, `[${pick(['22/Nov/2026:09:00:00 +0000', '31/Nov/2026:09:00:00 +0000', '22/Foo/2026:09:00:00 +0000',
        '22/Nov/2026:24:00:00 +0000', '01/Jan/2027:00:00:00 -0530', '29/Feb/2028:12:00:00 +1400', '22/Nov/2026:09:00:60 +0000',
        '-', '', '22/Nov/2026 09:00:00 +0000', '2a/Nov/2026:09:00:00 +0000', '22/Nov/2026:09:00:00 x0000'])}]`); break;
      case 12: line = line + '\r'; break;
      case 13: line = ''; break;
      case 14: line = pick(['   ', '\t', 'garbage', '\u0000', '""']); break;
      case 15: line = line.replace(/^[^ ]+/, pick(['-', '', '2001:db8::1', 'ü.example', '10.0.0.1, 10.0.0.2', '0.0.0.0'])); break;
      case 16: line = line.replace(/"GET [^"]+"/, `"${pick(['-', '', 'GET', 'GET /', '/bare/path', 'GET /x HTTP/1.1 extra', 'GET  /x HTTP/1.1', 'GET /x HTTP/2.0', '\\x16\\x03\\x01'])}"`); break;
      case 17: line = line.replace(/conn=\d+/, `conn=${pick(['-', '', '1.5', 'x', '0'])}`); break;
      case 18: line = line.replace(/ucs="-"/, `ucs="${pick(['HIT', 'MISS', 'é', '\\x22', '', '-'])}"`); break;
      case 19: line = line.replace(/\?page=/, pick(['?', '?&', '??', '?é=1&', '?\u0000', '#frag?', '?page='])); break;
      case 20: line = line.replace(/"GET ([^ ]+) /, (_, u: string) => `"GET ${u}${'x9'.repeat(Math.floor(rand() * 3000))} `); break;
      default: break;
    }
    let bytes = Buffer.from(line, 'utf8');
    if (rand() < 0.05) { // a byte that is no UTF-8 (the line is read as Latin-1)
      const at = Math.floor(rand() * (bytes.length + 1));
      bytes = Buffer.concat([bytes.subarray(0, at), pick(bad), bytes.subarray(at)]);
    }
    out.push(bytes, Buffer.from('\n'));
    if (rand() < 0.001) out.push(Buffer.alloc(maxLine + 10 + Math.floor(rand() * 5000), 'z'), Buffer.from('\n')); // too long
  }
  out.push(Buffer.from(pick(base).slice(0, 60))); // unterminated, does not parse: held back
  return Buffer.concat(out);
}

function inputs(): Input[] {
  const list: Input[] = [];
  const benchLog = join(root, 'bench-data', 'nginx-1000000.log');
  const only = arg('--only', '');
  if (existsSync(benchLog)) list.push({ name: 'bench-data/nginx-1000000.log', chunks: fileChunks(benchLog), flags: { logFormat: BENCH_LOG_FORMAT } });

  // fixtures/access: the formats test/parsers/access-real-logs.test.ts reads them with
  const access = join(root, 'fixtures', 'access');
  const firstLineOf = (f: string, prefix = ''): string => readFileSync(join(access, f), 'utf8').split('\n').find((l) => l.startsWith(prefix))!;
  const fa = (file: string, flags: Input['flags']): void => {
    const shown = JSON.stringify(flags).replaceAll(root + '/', ''); // names stay the same in any checkout
    list.push({ name: `fixtures/access/${file} ${shown}`, chunks: fileChunks(join(access, file)), flags });
  };
  for (const n of ['s2', 's3']) {
    fa(`${n}-nginx-access.log`, {});
    fa(`${n}-nginx-access.log`, { nginxConf: join(access, `${n}-nginx.conf`) });
  }
  fa('s3-php-fpm-access.log', {});
  fa('s3-php-fpm-access.log', { logFormat: firstLineOf('s3-php-fpm.conf', 'access.format') });
  fa('s1b-lighttpd-access.log.gz', { format: 'lighttpd-access', logFormat: firstLineOf('s1b-lighttpd.conf', 'accesslog.format') });
  fa('s4-varnish-access.log.gz', {});
  fa('s4-varnish-access.log.gz', { logFormat: firstLineOf('s4-varnishncsa.format') });
  fa('s4-varnish-fetch-errors.log.gz', { logFormat: firstLineOf('s4-varnishncsa-backend.format') });
  fa('s4-apache-access.log', {});
  fa('s4-apache-access.log', { logFormat: firstLineOf('s4-httpd-logformat.conf', 'LogFormat') });

  // the incidents, every file as its truth.json says to ingest it; and the shared samples' copies
  const stories = join(root, 'fixtures', 'incidents');
  const samples = join(root, '..', 'shared', 'samples');
  for (const story of readdirSync(stories).sort()) {
    const truthPath = join(stories, story, 'truth.json');
    if (!existsSync(truthPath)) continue;
    const truth = JSON.parse(readFileSync(truthPath, 'utf8')) as { ingest: Array<{ file: string; format?: string | null; log_format?: string; nginx_conf?: string; log_format_name?: string }> };
    for (const e of truth.ingest) {
      const flags: Input['flags'] = {};
      if (e.format) flags.format = e.format;
      if (e.log_format) flags.logFormat = e.log_format;
      if (e.nginx_conf) flags.nginxConf = join(stories, story, e.nginx_conf);
      if (e.log_format_name) flags.logFormatName = e.log_format_name;
      list.push({ name: `fixtures/incidents/${story}/${e.file}`, chunks: fileChunks(join(stories, story, e.file)), flags });
      const shared = join(samples, story, e.file.replace(/\.gz$/, ''));
      if (existsSync(shared)) list.push({ name: `shared/samples/${story}/${e.file.replace(/\.gz$/, '')}`, chunks: fileChunks(shared), flags });
    }
  }

  // every format's own samples, one input per format and options
  for (const f of FORMATS) {
    const groups = new Map<string, string[]>();
    for (const s of f.samples) {
      const key = JSON.stringify(s.options ?? {});
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key)!.push(s.line);
    }
    for (const [key, lines] of groups) {
      const opts = JSON.parse(key) as Partial<ParserOptions>;
      const text = Buffer.from(lines.join('\n') + '\n');
      list.push({ name: `samples ${f.name} ${key}`, chunks: () => Readable.from([text]), flags: { format: f.name }, options: opts });
    }
  }

  // awkward lines, cut into ragged chunks; with a tiny dictionary and route rules too
  const maxLine = 8192;
  const awkward = awkwardLog(7, 60_000, maxLine);
  const rules = parseRouteRules('^/user/(\\d+)$ => /user/:n\n^/api/(\\w+)/ => /api/$1/*\n^/(p|e)/ => /$1/any\n');
  list.push({ name: 'awkward (nginx log_format)', chunks: raggedChunks(awkward, 1), flags: { logFormat: BENCH_LOG_FORMAT }, maxLine });
  list.push({ name: 'awkward (nginx-combined-kv)', chunks: raggedChunks(awkward, 2), flags: { format: 'nginx-combined-kv' }, maxLine });
  list.push({ name: 'awkward (nginx-combined)', chunks: raggedChunks(awkwardLog(8, 20_000, maxLine, true), 3), flags: { format: 'nginx-combined' }, maxLine });
  list.push({ name: 'awkward (escape=none)', chunks: raggedChunks(awkward, 4), flags: { logFormat: 'escape=none ' + BENCH_LOG_FORMAT }, maxLine });
  list.push({ name: 'awkward (rules, small dictionary, small batches)', chunks: raggedChunks(awkward, 5), flags: { logFormat: BENCH_LOG_FORMAT },
    maxLine, routeRules: rules, dictionary: [1000, 5000], batchSize: 97 });
  list.push({ name: 'awkward (1 MiB chunks)', chunks: () => Readable.from([awkward.subarray(0, 1 << 20), awkward.subarray(1 << 20)]), flags: { logFormat: BENCH_LOG_FORMAT }, maxLine });
  return only ? list.filter((i) => i.name.includes(only)) : list;
}

/** What ingest-input.ts decides: the user's format, or detection over the head of the input. */
async function chooseFormat(input: Input): Promise<{ name: string; options: ParserOptions }> {
  const user = resolveUserFormat(input.flags);
  const options: ParserOptions = { tz: 'UTC', ...input.options, ...(user.logFormat !== undefined ? { logFormat: user.logFormat } : {}) } as ParserOptions;
  if (user.format) return { name: user.format, options };
  const head: Buffer[] = [];
  let size = 0;
  for await (const c of input.chunks()) {
    head.push(c);
    size += c.length;
    if (size >= 256 * 1024) break;
  }
  const buf = Buffer.concat(head).subarray(0, 256 * 1024);
  const d = detectFormat(FORMATS, sampleLines(buf, buf.length < 256 * 1024), options);
  if (!d.best) throw new Error(`${input.name}: no format matches`);
  return { name: d.best.format.name, options };
}

function hashNums(h: Hash, nums: Float64Array): void {
  h.update(new Uint8Array(nums.buffer, nums.byteOffset, nums.byteLength)); // every bit, NaN payloads too
}

function hashBatch(h: Hash, b: Batch): void {
  const r = b.requests;
  h.update(`requests ${r.count} ${r.nums.length} ${r.text.length}\n`);
  hashNums(h, r.nums);
  h.update(r.text);
  h.update(JSON.stringify(r.strings));
  h.update(JSON.stringify(b.events));
  h.update(JSON.stringify(b.traces));
  h.update(JSON.stringify(b.rejects));
  h.update(JSON.stringify([b.lines, b.parsed, b.rejected, b.endOffset, b.lastLineNo, b.firstTs, b.lastTs, b.invalidUtf8, b.unterminated, b.heldBack]));
}

async function run(input: Input): Promise<{ hash: string; batches: number; rows: number; lines: number; format: string }> {
  const { name, options } = await chooseFormat(input);
  const format = findFormat(name)!;
  const maxLine = input.maxLine ?? 1 << 20;
  // A line the parser throws on would end the ingest (nginx-combined-kv does on a tail with
  // uct= or uht= but none of urt/ua/us): here it becomes a reject that names the error, so the
  // other lines of the input are still compared, and the throw itself is part of the hash.
  const inner = format.create(options);
  const parser: LineParser = {
    parse(line, lineNo) {
      try {
        return inner.parse(line, lineNo);
      } catch (e) {
        return { type: 'reject', reason: `THROWS ${(e as Error).message}` as RejectReason };
      }
    },
    ...(inner.finish ? { finish: () => inner.finish!() } : {}),
    ...(inner.openSince ? { openSince: () => inner.openSince!() } : {}),
  };
  const builder = new BatchBuilder(parser, {
    batchSize: input.batchSize ?? 2000, router: createRouter(input.routeRules ?? []),
    dictionary: input.dictionary ? new StringDictionary(1, input.dictionary[0], input.dictionary[1]) : new StringDictionary(1),
  });
  const h = createHash('sha256');
  let batches = 0, rows = 0, lines = 0;
  const take = (b: Batch): void => { batches++; rows += b.requests.count; lines += b.lines; hashBatch(h, b); };
  for await (const group of splitLines(input.chunks(), { maxLine })) {
    const b = builder.push(group);
    if (b) take(b);
  }
  take(builder.finish());
  return { hash: h.digest('hex'), batches, rows, lines, format: name };
}

async function main(): Promise<void> {
  const out: string[] = [];
  for (const input of inputs()) {
    const t = process.cpuUsage();
    const r = await run(input);
    const cpu = process.cpuUsage(t);
    const row = `${r.hash}  ${input.name}  [${r.format}; ${r.lines} lines, ${r.rows} rows, ${r.batches} batches]`;
    out.push(row);
    console.log(row + `  (${((cpu.user + cpu.system) / 1e6).toFixed(1)} s)`);
  }
  const text = out.join('\n') + '\n';
  const write = arg('--write', '');
  if (write) writeFileSync(write, text);
  const check = arg('--check', '');
  if (check) {
    // (with --only, the inputs not run are not missing)
    const ran = new Set(out.map((l) => l.split('  ')[1]));
    const want = readFileSync(check, 'utf8').split('\n').filter((l) => l && ran.has(l.split('  ')[1]));
    const got = out;
    const diff = want.filter((l) => !got.includes(l)).map((l) => '- ' + l).concat(got.filter((l) => !want.includes(l)).map((l) => '+ ' + l));
    if (diff.length) {
      console.error(`DIFFERENT from ${check}:\n${diff.join('\n')}`);
      process.exit(1);
    }
    console.log(`all ${got.length} hashes identical to ${check}`);
  }
}

main().catch((e) => { console.error(e); process.exit(1); });
