// The edge/backend tier of a source, from the role each format declares in parsers/: the JS rule
// (sourceTiers) and the SQL one (TIER_SQL) are one rule, and only servers of the request path
// decide which access log is the edge.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openWritable, type DB } from '../../src/store/db.js';
import { sourceTiers, TIER_SQL } from '../../src/query/tiers.js';
import { FORMATS } from '../../parsers/index.js';
import { CONFIG_FORMATS } from '../../parsers/config/index.js';
import { FORMAT_ROLES } from '../../parsers/roles.js';

function dbWith(sources: Array<[format: string, host: string | null]>): DB {
  const db = openWritable(join(mkdtempSync(join(tmpdir(), 'overload-tiers-')), 't.db'));
  const ins = db.prepare("INSERT INTO sources (id, path, format, host, ingested_at) VALUES (?, 'p', ?, ?, 'x')");
  sources.forEach(([format, host], i) => ins.run(i + 1, format, host));
  return db;
}

/** Tier per source id as TIER_SQL says, to compare with sourceTiers(). */
function sqlTiers(db: DB): Map<number, string> {
  const rows = db.prepare(`SELECT s.id, ${TIER_SQL} AS tier FROM sources s`).all() as Array<{ id: number; tier: string }>;
  return new Map(rows.map((r) => [r.id, r.tier]));
}

const tiersOf = (sources: Array<[string, string | null]>): string[] => {
  const db = dbWith(sources);
  const t = sourceTiers(db);
  expect(sqlTiers(db)).toEqual(t);
  return sources.map((_, i) => t.get(i + 1)!);
};

describe('tiers', () => {
  it('every access log format says which kind of server writes it', () => {
    for (const f of FORMATS.filter((x) => x.produces === 'requests')) expect(f.role, f.name).not.toBeNull();
    expect(FORMATS.find((f) => f.name === 'varnishncsa')!.role).toBe('cache');
    expect(FORMATS.find((f) => f.name === 'php-fpm-access')!.role).toBe('app');
    expect(FORMATS.find((f) => f.name === 'nginx')!.role).toBe('web');
  });

  it('reads the roles the formats declare (parsers/roles.ts is up to date: else `npm run build && node scripts/format-roles.mjs`)', () => {
    expect(FORMAT_ROLES).toEqual(Object.fromEntries([...FORMATS, ...CONFIG_FORMATS].map((f) => [f.name, f.role])));
  });

  it('the outermost server on a host is its edge, each host on its own', () => {
    expect(tiersOf([['varnishncsa', 'a'], ['apache-combined', 'a'], ['apache-error', 'a']])).toEqual(['edge', 'backend', 'backend']);
    expect(tiersOf([['nginx', 'a'], ['php-fpm-access', 'a'], ['php-fpm-access', 'b']])).toEqual(['edge', 'backend', 'edge']);
    // nginx's error log alone says nginx is in front: the FPM access log is its backend's
    expect(tiersOf([['php-fpm-access', null], ['nginx-error', null]])).toEqual(['backend', 'edge']);
    // a config says so too
    expect(tiersOf([['lighttpd-access', null], ['varnish-vcl', null]])).toEqual(['backend', 'edge']);
  });

  it('sources of no server of the request path (the kernel, ps, sysctl) make no tier', () => {
    // before the formats declared their role, any name without "varnish" or "fpm" ranked as a web
    // server: a dmesg beside a PHP-FPM-only host made its access log the backend
    expect(tiersOf([['php-fpm-access', null], ['kernel-log', null], ['ps', null], ['meminfo', null], ['sysctl', null], ['ss', null]])[0]).toBe('edge');
    // PHP's own error log and php.ini belong to the application server, not a web server
    expect(tiersOf([['php-fpm-access', null], ['php-error', null], ['php-ini', null]])[0]).toBe('edge');
  });

  it('TIER_SQL gives what sourceTiers gives, for every format on mixed hosts', () => {
    const names = [...FORMATS, ...CONFIG_FORMATS].map((f) => f.name).concat(['no-such-format']);
    let x = 5;
    const r = () => ((x = (x * 1103515245 + 12345) % 2147483648) / 2147483648);
    const sources: Array<[string, string | null]> = [];
    for (let i = 0; i < 400; i++) sources.push([names[Math.floor(r() * names.length)], [null, 'a', 'b', 'c', 'd', 'e'][Math.floor(r() * 6)]]);
    const tiers = tiersOf(sources);
    expect(new Set(tiers)).toEqual(new Set(['edge', 'backend']));
  });
});
