// `overload demo`: every bundled real incident, ingested into a throwaway database (each story
// tagged as its own host), then what overload found: the TUI on a terminal, text otherwise.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadStories, ingestArgs } from '../demo/incidents.js';
import { ingestJobs, type IngestJob } from './ingest.js';
import { resolveUserFormat } from './user-format.js';
import { openDbForReading } from './open-db.js';
import { runReport } from '../report/runner.js';
import { render } from '../report/render.js';
import { CliError } from './exit-codes.js';
import { MODULES } from '../correlate/modules.js';

export async function run(opts: { db?: string; tui: boolean }): Promise<number> {
  const stories = loadStories();
  if (stories.length === 0) throw new CliError('no bundled incidents found under fixtures/incidents');
  const dbPath = opts.db ?? join(mkdtempSync(join(tmpdir(), 'overload-demo-')), 'demo.db');
  process.stderr.write(`overload demo: ${stories.length} incidents captured from real servers -> ${dbPath}\n\n`);
  // Each story is its own host, so reports and the TUI can look at one story at a time.
  const jobs: IngestJob[] = stories.flatMap((story) => story.ingest.map((entry) => {
    const { path, flags } = ingestArgs(story, entry);
    return { label: path, format: resolveUserFormat(flags), host: story.story };
  }));
  const code = await ingestJobs(jobs, {
    db: dbPath, tz: 'UTC', maxLine: 1 << 20, routeRules: [], fieldMap: {}, force: false, quiet: false,
  });
  if (code !== 0) throw new CliError(`demo: ingest failed (exit ${code})`, code);

  if (opts.tui && process.stdout.isTTY && process.stdin.isTTY) {
    const { startTui } = await import('../tui/index.js');
    return startTui({ dbPath, tz: 'UTC' });
  }

  const db = openDbForReading(dbPath);
  try {
    for (const story of stories) {
      const out: string[] = [`\n# ${story.story}`, story.title ?? ''];
      const spikes = runReport(db, 'spikes', { host: story.story }, { tz: 'UTC', modules: MODULES });
      out.push('', 'Spikes:', render('table', spikes.rows, ['start', 'end', 'peak_rps', 'baseline_rps', 'error_rate', 'p95_ms', 'events', 'reasons']).trimEnd());
      const first = spikes.rows[0];
      if (first) {
        const incident = runReport(db, 'incident', { host: story.story, from: String(first.start), to: String(first.end) }, { tz: 'UTC', modules: MODULES });
        out.push('', `What changed in ${first.start} .. ${first.end}:`, render('table', incident.rows.slice(0, 25), incident.columns, { maxCell: 60 }).trimEnd());
      }
      process.stdout.write(out.join('\n') + '\n');
    }
    process.stdout.write(`\nExplore further:\n  overload report --list --db ${dbPath}\n  overload postmortem --db ${dbPath} --host 3-nginx-phpfpm-max-children -o incident.md\n  overload tui --db ${dbPath}\n`);
  } finally {
    db.close();
  }
  return 0;
}
