// `overload postmortem [-o FILE.md]`: the incident document, with its SVG chart beside the file.
import { writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CliError, EXIT } from './exit-codes.js';
import { openDbForReading } from './open-db.js';
import { buildPostmortem } from '../postmortem/index.js';
import { ParamError } from '../report/params.js';
import { assertZone, machineZone } from '../util/time.js';
import { suspectWarnings } from '../store/suspect.js';
import { termSafe } from '../util/sanitize.js';

export interface PostmortemOptions {
  db: string;
  from?: string;
  to?: string;
  host?: string;
  output?: string;
  tz?: string;
  queries?: string;
}

export async function run(opts: PostmortemOptions): Promise<number> {
  const tz = opts.tz ?? machineZone();
  try {
    assertZone(tz);
  } catch {
    throw new CliError(`--tz ${tz}: not a time zone (use an IANA name such as Europe/Berlin or UTC)`);
  }
  const out = opts.output;
  if (out !== undefined && !/\.md$/i.test(out)) throw new CliError(`-o ${out}: the document is Markdown; name it FILE.md (the chart goes to FILE.svg)`);
  const db = openDbForReading(opts.db);
  try {
    const svgPath = out ? out.replace(/\.md$/i, '.svg') : null;
    const pm = buildPostmortem(db, { from: opts.from, to: opts.to, host: opts.host, tz, queries: opts.queries, svgName: svgPath ? basename(svgPath) : null });
    for (const w of suspectWarnings(db)) process.stderr.write(`overload: warning: ${termSafe(w)}\n`);
    if (!out) {
      process.stdout.write(pm.markdown);
      return EXIT.ok;
    }
    try {
      writeFileSync(svgPath!, pm.svg);
      writeFileSync(out, pm.markdown);
    } catch (e) {
      throw new CliError(`cannot write ${out}: ${(e as Error).message}`, EXIT.unreadable);
    }
    process.stderr.write(`wrote ${out} and ${join(dirname(out), basename(svgPath!))}: ${pm.data.windows.length} window(s), ${pm.findings.length} finding(s)\n`);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CliError) throw e;
    if (e instanceof ParamError) throw new CliError(e.message);
    throw new CliError(`postmortem: ${(e as Error).message}`);
  } finally {
    db.close();
  }
}
