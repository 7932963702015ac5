// A server config from its top file: read it, follow its includes (globs, relative to where the
// server resolves them), splice each included file's settings in at its include, and report
// what could not be read (a line, a missing include, a loop, a cut file) with file and line.
// The parsers are pure (parsers/config/); this is the I/O at the edge.
import { readFileSync, readdirSync, statSync, realpathSync, openSync, readSync, closeSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { createHash } from 'node:crypto';
import type { ConfigContext, ConfigFormat } from '../../parsers/config/types.js';
import { MAIN_CONTEXT } from '../../parsers/config/types.js';
import { detectConfigFormat, markOverridden, type FileSetting } from '../../parsers/config/index.js';
import { resolveIfModules } from '../../parsers/config/apache.js';
import type { ConfigProblem, ConfigRead } from '../store/settings-writer.js';

export interface ConfigReadOptions {
  /**
   * A copy of a server's file system: absolute include paths (/etc/nginx/conf.d/*.conf) are
   * looked up under it, as when a server's /etc was collected into a directory for a postmortem.
   */
  root?: string | null;
}

const MAX_DEPTH = 32;
/** the name stdin goes by in an include chain */
const STDIN = '\u0000stdin';
const HEAD = 64 * 1024;

/** The config format of `path` (null: not a config, read it as a log). Reads the first 64 KB. */
export function sniffConfig(path: string): ConfigFormat | null {
  if (path === '-') return null;
  let fd: number;
  try { fd = openSync(path, 'r'); } catch { return null; }
  try {
    const buf = Buffer.alloc(HEAD);
    const n = readSync(fd, buf, 0, HEAD, 0);
    if (n >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) return null; // gzip: a rotated log
    if (buf.subarray(0, n).includes(0)) return null;
    return detectConfigFormat(path, buf.subarray(0, n).toString('utf8'));
  } catch {
    return null;
  } finally {
    closeSync(fd);
  }
}

function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

function segmentRegex(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i];
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const end = seg.indexOf(']', i + 1);
      if (end < 0) { re += '\\['; continue; }
      re += '[' + seg.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
      i = end;
    } else re += c.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Files matching an absolute glob, sorted as nginx/Apache/glob(3) sort them (byte order). */
function globFiles(pattern: string): string[] {
  const parts = pattern.split('/');
  let bases = [parts[0] === '' ? '/' : parts[0]];
  for (let k = 1; k < parts.length; k++) {
    const seg = parts[k];
    if (seg === '') continue;
    const next: string[] = [];
    for (const b of bases) {
      if (!hasGlob(seg)) { next.push(join(b, seg)); continue; }
      let names: string[];
      try { names = readdirSync(b); } catch { continue; }
      const re = segmentRegex(seg);
      // dot files are not matched by * (glob(3) without GLOB_PERIOD)
      for (const n of names.sort()) if (re.test(n) && (!n.startsWith('.') || seg.startsWith('.'))) next.push(join(b, n));
    }
    bases = next;
  }
  return bases.filter((f) => { try { return statSync(f).isFile(); } catch { return false; } });
}

function isDirectory(path: string): boolean {
  try { return statSync(path).isDirectory(); } catch { return false; }
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (isDirectory(p)) out.push(...filesUnder(p));
    else out.push(p);
  }
  return out;
}

function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function readConfig(top: string, format: ConfigFormat, options: ConfigReadOptions = {}): ConfigRead {
  const root = options.root ? resolve(options.root) : null;
  const mainDir = dirname(resolve(top));
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const hash = createHash('sha256');
  let bytes = 0, lines = 0;
  let baseDir = mainDir;

  let missingRoot: ConfigProblem | null = null;
  // Relative includes resolve against the main file's directory: nginx's conf prefix (the -c
  // file's directory), lighttpd's basedir (configfile.c config_read), Apache's ServerRoot when
  // the file states one that exists here; PHP-FPM and Varnish are given the same rule.
  const locate = (pattern: string): string => {
    if (isAbsolute(pattern)) return root ? join(root, pattern) : pattern;
    if (missingRoot) { problems.push(missingRoot); missingRoot = null; }
    return resolve(baseDir, pattern);
  };

  /** `path` as matched (a symlink in sites-enabled is named as such), `chain` by real paths */
  const readOne = (path: string, context: ConfigContext, chain: string[]): FileSetting[] => {
    const file = path === STDIN ? '(stdin)' : shown(path);
    let text: string;
    try {
      text = readFileSync(path === STDIN ? 0 : path, 'utf8');
    } catch (e) {
      throw new Error(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    files.push(file);
    bytes += Buffer.byteLength(text);
    lines += text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
    hash.update(file + '\u0000' + text + '\u0000');
    const parsed = format.parse(text, context);
    for (const e of parsed.errors) problems.push({ file, line: e.line, message: e.message, text: e.text });
    const own: FileSetting[] = parsed.settings.map((s) => ({ ...s, file }));
    // Apache: a ServerRoot stated before the includes is where relative includes resolve
    if (format.server === 'apache' && chain.length === 1) {
      const sr = own.find((s) => s.name.toLowerCase() === 'serverroot' && s.value);
      if (sr) {
        const dir = isAbsolute(sr.value!) ? (root ? join(root, sr.value!) : sr.value!) : resolve(mainDir, sr.value!);
        try { if (statSync(dir).isDirectory()) baseDir = dir; } catch {
          // said once, and only if a relative include needs it
          missingRoot = { file, line: sr.line, message: `ServerRoot ${sr.value} does not exist here: relative includes are read from ${shown(mainDir)}`, text: '' };
        }
      }
    }
    const out: FileSetting[] = [];
    let from = 0;
    for (const inc of parsed.includes) {
      out.push(...own.slice(from, inc.at));
      from = inc.at;
      const target = locate(inc.pattern);
      // Apache's Include of a directory reads every file under it, in order
      const matched = hasGlob(inc.pattern) ? globFiles(target) : format.server === 'apache' && isDirectory(target) ? filesUnder(target) : [target];
      if (matched.length === 0) {
        // nginx, lighttpd and php-fpm accept a glob that matches nothing; Apache's Include does not
        if (format.server === 'apache' && !inc.optional) problems.push({ file, line: inc.line, message: `Include ${inc.pattern}: no file matches (IncludeOptional would accept that)`, text: '' });
        continue;
      }
      for (const m of matched) {
        let real: string;
        try { real = realpathSync(m); } catch {
          if (!inc.optional) problems.push({ file, line: inc.line, message: `include ${inc.pattern}: ${shown(m)} does not exist`, text: '' });
          continue;
        }
        if (chain.includes(real)) {
          problems.push({ file, line: inc.line, message: `include loop: ${[...chain, real].map(shown).join(' -> ')} (not followed again)`, text: '' });
          continue;
        }
        if (chain.length >= MAX_DEPTH) {
          problems.push({ file, line: inc.line, message: `includes nested deeper than ${MAX_DEPTH}: ${shown(m)} not read`, text: '' });
          continue;
        }
        try {
          out.push(...readOne(m, inc.context, [...chain, real]));
        } catch (e) {
          problems.push({ file, line: inc.line, message: `include ${inc.pattern}: ${(e as Error).message}`, text: '' });
        }
      }
    }
    out.push(...own.slice(from));
    return out;
  };

  // stdin (`sysctl -a | overload ingest --format sysctl -`): its includes resolve from the cwd
  if (top === '-') baseDir = process.cwd();
  let topReal: string;
  try { topReal = top === '-' ? STDIN : realpathSync(top); } catch {
    throw new Error(`cannot read ${top}: no such file`);
  }
  const settings = readOne(top === '-' ? STDIN : resolve(top), MAIN_CONTEXT, [topReal]);
  let mpm: string | null | undefined;
  if (format.server === 'apache') mpm = resolveIfModules(settings);
  markOverridden(settings, format);
  return { format, files, bytes, lines, settings, problems, identity: 'config:' + hash.digest('hex').slice(0, 40), mpm };
}

