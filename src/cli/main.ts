#!/usr/bin/env node
// The `overload` command. Each command's implementation lives in its own module and is imported
// only when that command runs: `overload --help` must not pay for SQLite, React or ink.
import { Command, Option } from 'commander';
import { EXIT } from './exit-codes.js';
import { termSafe } from '../util/sanitize.js';

const program = new Command();
const dbOption = () =>
  new Option('--db <path>', 'SQLite database').env('OVERLOAD_DB').default('./overload.db');
const tzOption = () =>
  new Option('--tz <zone>', "IANA zone for stamps without an offset (default: this machine's zone)");

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/** Run a lazily imported command and turn its result into the process exit code. */
function action<A extends unknown[]>(load: () => Promise<{ run: (...args: A) => Promise<number> }>) {
  return async (...args: A) => {
    const mod = await load();
    const code = await mod.run(...args);
    process.exitCode = code;
  };
}

program
  .name('overload')
  .description('Web-server overload postmortems: ingest access, error and PHP-FPM logs into SQLite,\nfind the spike, explain it.')
  .version('0.1.0')
  .showHelpAfterError('(run with --help for usage)')
  .addHelpText('after', `
Start here:
  $ overload demo                                   the bundled incidents, end to end
  $ overload ingest access.log error.log php-fpm.log
  $ overload report spikes
  $ overload postmortem -o incident.md`);

program
  .command('ingest')
  .description('Read logs (files, .gz/.bz2/.xz/.zst, or stdin) and server configs into the database; formats are detected')
  .argument('[paths...]', 'log files and server configs; none or - reads stdin')
  .addOption(dbOption())
  .option('--format <name>', 'skip detection: use this format (see `overload formats`)')
  .option('--log-format <string>', 'an nginx log_format body ($vars) or an Apache/lighttpd LogFormat (%x), as in the server config')
  .option('--nginx-conf <file>', 'read log_format definitions from this nginx.conf')
  .option('--log-format-name <name>', 'which log_format of --nginx-conf to use (default: the one access_log uses)')
  .option('--field <key=column>', 'JSON logs: map KEY to a requests column (repeatable)', collect)
  .option('--host <name>', 'tag every row with this host name (logs of a server farm in one database)')
  .addOption(tzOption())
  .option('--routes <file>', 'route rules, one `regex => template` per line, tried before the built-in folding')
  .option('--max-line <bytes>', 'reject lines longer than this (default 1 MiB, at most 8 MiB)', '1048576')
  .option('--boot-time <time>', 'kernel log: when the machine booted, to place raw dmesg [seconds since boot] (or put `grep btime /proc/stat` ahead of the dmesg lines)')
  .option('--year <yyyy>', 'kernel log: the year of the first syslog / journalctl stamp (they print none)')
  .option('--at <time>', 'kernel counters: when a snapshot without a date line was taken')
  .option('--force', 're-ingest inputs that were ingested before (replaces their rows)')
  .option('--quiet', 'no progress or summary on stderr')
  .option('--wait <seconds>', 'while another ingest writes the same database, wait this long for it (default 600)')
  .option('--config-root <dir>', 'configs: look up absolute include paths under DIR (a copy of the server\'s files)')
  .addHelpText('after', `
Examples:
  $ overload ingest /var/log/nginx/access.log /var/log/nginx/error.log
  $ overload ingest --host web1 /etc/nginx/nginx.conf /etc/php/8.2/fpm/php-fpm.conf /etc/sysctl.conf access.log
  $ zcat access.log.*.gz | overload ingest --host web1
  $ overload ingest --nginx-conf /etc/nginx/nginx.conf --log-format-name upstream_timing access.log
  $ overload ingest --format lighttpd-access --log-format '%h %V %u %t "%r" %>s %b %O %D "%{Referer}i" "%{User-Agent}i"' lighttpd-access.log
  $ overload ingest --format apache-combined /var/log/apache2/access.log   (Apache stamps the start, nginx the end)
  $ overload ingest --tz Europe/Berlin /var/log/php8.2-fpm.log

Exit codes: 0 ok, 1 usage error, 2 an input or the database could not be read or written (or
another ingest held it past --wait), 3 nothing in an input could be parsed.`)
  .action(action(() => import('./ingest.js')));

program
  .command('sources')
  .description('What was ingested: path, format, host, lines, parsed, rejected, time range')
  .addOption(dbOption())
  .option('--rejects [n]', 'also show up to n sample rejected lines per source (default 5)')
  .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'csv', 'md', 'ndjson']).default('table'))
  .action(action(() => import('./sources.js')));

program
  .command('query')
  .description('Ad-hoc SQL on a read-only connection (tables: sources, requests, rejects, events, slow_traces, slow_frames)')
  .argument('<sql>', 'one SQL statement')
  .addOption(dbOption())
  .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'csv', 'md', 'ndjson']).default('table'))
  .addHelpText('after', `
Examples:
  $ overload query "SELECT status, count(*) FROM requests GROUP BY status"
  $ overload query "SELECT route, count(*) n, p95(duration_ms) FROM requests GROUP BY route ORDER BY n DESC LIMIT 10" --format json
  $ overload query "SELECT kind, count(*) FROM events GROUP BY kind" --format csv

Functions: percentile(x, p), p50(x), p95(x), p99(x) (exact), iso(ms) -> ISO 8601 UTC.`)
  .action(action(() => import('./query.js')));

program
  .command('formats')
  .description('The known log formats, with one example line each')
  .action(action(() => import('./formats.js')));

program
  .command('report')
  .description('Run a canned report (a SQL file in queries/)')
  .argument('[name]', 'report name (see --list)')
  .addOption(dbOption())
  .option('--list', 'list every report with its description and parameters')
  .option('--from <time>', 'start of the range (ISO 8601, or a stamp as the logs write it)')
  .option('--to <time>', 'end of the range')
  .option('--host <name>', 'only this host')
  .option('--bucket <size>', 'bucket size: 1s, 10s, 1m, 5m or auto', 'auto')
  .option('--limit <n>', 'rows per ranking')
  .option('--param <k=v>', 'a report-specific parameter (repeatable)', collect)
  .addOption(new Option('--queries <dir>', 'also load reports from this folder').env('OVERLOAD_QUERIES'))
  .addOption(tzOption())
  .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'csv', 'md', 'ndjson']).default('table'))
  .action(action(() => import('./report.js')));

program
  .command('postmortem')
  .description('Write the incident document (Markdown, with an SVG timeline beside it)')
  .addOption(dbOption())
  .option('--from <time>', 'start of the range')
  .option('--to <time>', 'end of the range')
  .option('--host <name>', 'only this host')
  .option('-o, --output <file>', 'write to FILE.md (the SVG goes beside it); default stdout')
  .option('--queries <dir>', 'your own reports (queries/*.sql with a -- columns: header): each one a section, "From your reports" ($OVERLOAD_QUERIES too)')
  .addOption(tzOption())
  .action(action(() => import('./postmortem.js')));

program
  .command('diagnose')
  .description('Which limit broke (workers, backlogs, timeouts, buffers, kernel), by how much, and what to change')
  .addOption(dbOption())
  .option('--from <time>', 'start of the window (default: the worst spike, else all the data)')
  .option('--to <time>', 'end of the window')
  .option('--host <name>', 'only this host (its logs, configs and snapshots)')
  .option('--ram <mb>', "the host's RAM in MB, when no free/meminfo snapshot was ingested")
  .option('--worker-mb <mb>', 'the RSS of one worker in MB, when no ps snapshot was ingested')
  .option('--what-if <k=v,...>', 'replay the window through the pool at these limits (pm.max_children=12,listen.backlog=511) beside the configured ones')
  .option('--backend-workers <n>', "with --what-if on an nginx upstream of several servers: the workers behind each server (in no nginx config; default: the peak in flight to each, an estimate)")
  .addOption(tzOption())
  .addOption(new Option('--format <fmt>', 'output format').choices(['table', 'json', 'md']).default('table'))
  .addHelpText('after', `
Examples:
  $ overload ingest nginx/access.log nginx/error.log /etc/nginx/nginx.conf /etc/php/8.2/fpm/pool.d/www.conf
  $ overload diagnose
  $ overload diagnose --host web1 --ram 4096 --worker-mb 60 --format md
  $ overload diagnose --what-if pm.max_children=12,listen.backlog=511
  $ overload diagnose --what-if max_fails=0 --backend-workers 4`)
  .action(action(() => import('./diagnose.js')));

program
  .command('tui')
  .description('Interactive terminal UI; reads a pipe on stdin live (tail -F access.log | overload tui)')
  .addOption(dbOption())
  .option('--from <time>', 'start of the range')
  .option('--to <time>', 'end of the range')
  .option('--host <name>', 'only this host')
  .option('--follow <paths...>', 'ingest these files as they grow while the UI runs')
  .option('--queries <dir>', 'your own reports (queries/*.sql with a -- columns: header): each one a panel after the built-in ones ($OVERLOAD_QUERIES too)')
  .addOption(tzOption())
  .action(action(() => import('./tui.js')));

program
  .command('demo')
  .description('Ingest the bundled real incidents into a temporary database and show what overload finds')
  .option('--db <path>', 'keep the demo database here instead of a temporary file')
  .option('--no-tui', 'print the findings even on a terminal')
  .action(action(() => import('./demo.js')));

if (process.env.OVERLOAD_STATS) {
  // For the benchmark: peak memory as the kernel counted it, printed as the process ends.
  const { threadTimes, threadCpuMs } = await import('../util/thread-stats.js');
  const { nativeUsed } = await import('../store/native.js');
  process.on('exit', () => {
    const u = process.resourceUsage();
    const s = (ms: number) => Math.round(ms) / 1000;
    const mainMs = threadCpuMs();
    const totalMs = (u.userCPUTime + u.systemCPUTime) / 1000;
    process.stderr.write(`overload-stats ${JSON.stringify({ maxRssMb: u.maxRSS / 1024, userS: u.userCPUTime / 1e6, systemS: u.systemCPUTime / 1e6,
      writeS: s(threadTimes.writeMs), waitS: s(threadTimes.waitMs), rollupWaitS: s(threadTimes.rollupWaitMs), afterLoadS: s(threadTimes.afterLoadMs),
      // (other: V8's collector helpers, libuv's pool, the workers' start-up and shut-down)
      cpuS: { main: s(mainMs), parse: s(threadTimes.parseCpuMs), rollup: s(threadTimes.rollupCpuMs),
        other: s(totalMs - mainMs - threadTimes.parseCpuMs - threadTimes.rollupCpuMs) },
      native: nativeUsed() })}\n`);
  });
}

program.exitOverride((err) => {
  // commander's own exits: help/version are success, everything else a usage error.
  process.exit(err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? 0 : EXIT.usage);
});

program.parseAsync(process.argv).catch((err: unknown) => {
  const e = err as Error & { exitCode?: number };
  // messages quote what the user or a log gave (a report name, a path, a SQL error): never raw
  process.stderr.write(`overload: ${termSafe(e.message)}\n`);
  process.exit(e.exitCode ?? EXIT.usage);
});
