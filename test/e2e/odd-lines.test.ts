// Real files that mix a format's family variants (filebeat's Apache and nginx fixtures, copied
// to fixtures/odd-lines/): every line parses, and `overload sources` counts the odd ones per
// variant.
import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { cli, query, ROOT, tempDir } from './cli.js';

const DIR = join(ROOT, 'fixtures', 'odd-lines');

function ingest(file: string): { db: string; sources: Array<Record<string, unknown>> } {
  const db = join(tempDir('overload-odd-'), 'odd.db');
  const r = cli(['ingest', '--db', db, '--tz', 'UTC', '--quiet', join(DIR, file)]);
  expect(r.status, r.stderr).toBe(0);
  const s = cli(['sources', '--db', db, '--format', 'json']);
  expect(s.status, s.stderr).toBe(0);
  return { db, sources: JSON.parse(s.stdout) as Array<Record<string, unknown>> };
}

describe('odd lines of real logs', () => {
  it("filebeat's Apache test log: common, request-less, X-Forwarded-For and vhost lines all parse", () => {
    const { db, sources } = ingest('filebeat-apache-test.log');
    expect(sources).toHaveLength(1);
    expect(sources[0]).toMatchObject({ lines: 7, parsed: 7, rejected: 0, variants: { common: 2, xff: 2, vhost: 1 } });
    const rows = query<{ client: string; status: number; vhost: string | null }>(db, 'SELECT client, status, vhost FROM requests ORDER BY id');
    expect(rows.map((r) => r.status)).toEqual([404, 404, 408, 404, 200, 408, 200]);
    expect(rows[6]).toMatchObject({ client: '123.123.123.123', vhost: 'vhost1.domaine.fr' });
  });

  it("filebeat's nginx test log: X-Forwarded-For lists as clients, one more quoted field", () => {
    const { db, sources } = ingest('filebeat-nginx-test.log');
    expect(sources[0]).toMatchObject({ format: 'nginx-combined', lines: 7, parsed: 7, rejected: 0, variants: { 'client-list': 4, xff: 1 } });
    const clients = query<{ client: string }>(db, 'SELECT client FROM requests ORDER BY id').map((r) => r.client);
    expect(clients).toEqual(['10.0.0.2', '172.17.0.1', '10.0.0.2', '85.181.35.98', '10.5.102.222', '2a03:0000:10ff:f00f:0000:0000:0:8000', '127.0.0.1']);
  });

  it("filebeat's nginx test log with a host (and port) before the client forms", () => {
    const { db, sources } = ingest('filebeat-nginx-test-with-host.log');
    expect(sources[0]).toMatchObject({ format: 'nginx-combined', lines: 10, parsed: 10, rejected: 0,
      variants: { 'vhost+client-list': 4, vhost: 3, 'vhost+xff': 2, 'vhost+client-list+xff': 1 } });
    const rows = query<{ client: string; vhost: string; extra: string }>(db, 'SELECT client, vhost, extra FROM requests ORDER BY id');
    expect(rows.map((r) => [r.vhost, r.client])).toEqual([
      ['example.com', '10.0.0.2'], ['example.com', '172.17.0.1'], ['example.com', '10.0.0.2'], ['example.com', '81.2.69.143'],
      ['example.com', '10.5.102.222'], ['1.128.3.4', '2a02:cf40:10ff:f00f:0000:0000:0:8000'], ['1.128.3.4', '127.0.0.1'],
      ['example.com', 'unix:'], ['1.128.3.4', 'localhost'], ['example.com', 'localhost'],
    ]);
    expect(JSON.parse(rows[4].extra)).toMatchObject({ server_port: 80, remote_addr: '10.2.1.185', client_list: '10.5.102.222, 175.16.199.1, 204.246.1.1' });
  });

  it("alp's LTSV example log is detected as ltsv-access, with its apptime, reqtime, size and ua", () => {
    const { db, sources } = ingest('alp-ltsv-access.log');
    expect(sources[0]).toMatchObject({ format: 'ltsv-access', lines: 14, parsed: 14, rejected: 0, variants: null });
    const rows = query<{ status: number; bytes: number; upstream_ms: number | null; duration_ms: number | null; user_agent: string }>(db,
      'SELECT status, bytes, upstream_ms, duration_ms, user_agent FROM requests ORDER BY id');
    expect(rows[12]).toMatchObject({ status: 504, bytes: 15, upstream_ms: 60000, user_agent: 'UA1' });
    expect(rows[13]).toMatchObject({ status: 200, upstream_ms: null, duration_ms: 321, user_agent: 'UA2' });
  });

  it('the ingest summary names the variants', () => {
    const db = join(tempDir('overload-odd-'), 'odd.db');
    const r = cli(['ingest', '--db', db, '--tz', 'UTC', join(DIR, 'filebeat-apache-test.log')]);
    expect(r.stderr).toContain('read as variants of nginx-combined: common 2, xff 2, vhost 1');
  });

  it('the table names the variants', () => {
    const { db } = ingest('filebeat-nginx-test.log');
    const t = cli(['sources', '--db', db]);
    expect(t.stdout).toContain('client-list 4, xff 1');
    const csv = cli(['sources', '--db', db, '--format', 'csv']);
    expect(csv.stdout).toContain(',"client-list 4, xff 1",');
  });
});
