// Which access log is the edge. A request can be logged by several servers in a chain (Varnish ->
// Apache, nginx -> PHP-FPM); counting every log would count it twice. Reports read one tier at a
// time: 'edge' = the sources of the outermost kind of server present on the same host (`--host`
// tags a machine: web1's nginx and PHP-FPM are one chain, web2's another), 'backend' = the others.
// Each format says which kind of server writes it (its `role` in parsers/: cache, web or app,
// parsers/types.ts SERVER_ROLES), and any source of a server (an error log, a status page, a
// config) says that server is present; sourceTiers() and TIER_SQL both read that one declaration,
// through parsers/roles.ts (generated from it: importing every parser cost a report ~50 ms of CPU).
import type Database from 'better-sqlite3';
import { FORMAT_ROLES } from '../../parsers/roles.js';
import { SERVER_ROLES } from '../../parsers/types.js';

export type Tier = 'edge' | 'backend';

/**
 * A format's place on the request path, outermost highest (1 app, 2 web, 3 cache); 0 for a source
 * of no server (the kernel, ps) or a format this build does not know: it makes no tier.
 */
const RANK = new Map<string, number>(Object.entries(FORMAT_ROLES).map(([name, role]) => [name, role === null ? 0 : SERVER_ROLES.indexOf(role) + 1]));

export function serverRank(format: string): number {
  return RANK.get(format) ?? 0;
}

/** serverRank() of a column of format names, as SQL (the names are the registries' own: quoted, not bound). */
function rankSql(col: string): string {
  const arms = SERVER_ROLES.map((_, i) => i + 1).reverse().map((rank) => {
    const names = [...RANK].filter(([, r]) => r === rank).map(([name]) => `'${name.replace(/'/g, "''")}'`);
    return names.length ? ` WHEN ${col} IN (${names.join(', ')}) THEN ${rank}` : '';
  });
  return `(CASE${arms.join('')} ELSE 0 END)`;
}

/** The same rule as SQL over a `sources` row aliased `s`: 'edge' or 'backend'. */
export const TIER_SQL = `CASE WHEN ${rankSql('s.format')} = (SELECT max(${rankSql('t.format')}) FROM sources t ` +
  `WHERE coalesce(t.host, '') = coalesce(s.host, '')) THEN 'edge' ELSE 'backend' END`;

/** Tier per source id, from the formats of the sources of the same host. */
export function sourceTiers(db: Database.Database): Map<number, Tier> {
  const sources = db.prepare('SELECT id, format, coalesce(host, \'\') AS host FROM sources').all() as { id: number; format: string; host: string }[];
  const top = new Map<string, number>();
  for (const s of sources) top.set(s.host, Math.max(top.get(s.host) ?? 0, serverRank(s.format)));
  return new Map(sources.map((s) => [s.id, serverRank(s.format) === top.get(s.host) ? 'edge' : 'backend']));
}

/** A stable signature of the tier assignment: rollups built under another one are rebuilt. */
export function tierSignature(tiers: Map<number, Tier>): number {
  let h = 0;
  for (const [id, t] of [...tiers].sort((a, b) => a[0] - b[0])) h = (h * 31 + id * 2 + (t === 'edge' ? 1 : 0)) % 2_147_483_647;
  return h;
}

/** (Re)create the TEMP view the raw-row parts of the reports filter on: source_tiers(id, format, tier). */
export function createTierView(db: Database.Database, tiers: Map<number, Tier>): void {
  const values = [...tiers].map(([id, t]) => `(${Number(id)}, '${t}')`).join(', ');
  db.exec('DROP VIEW IF EXISTS temp.source_tiers');
  db.exec(values
    ? `CREATE TEMP VIEW source_tiers(id, tier) AS VALUES ${values}`
    : 'CREATE TEMP VIEW source_tiers(id, tier) AS SELECT NULL, NULL WHERE 0');
}
