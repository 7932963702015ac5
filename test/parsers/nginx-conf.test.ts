// Reading log_format definitions out of nginx.conf text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  logFormatOption, NGINX_COMBINED, readNginxConf, selectNginxLogFormat,
} from '../../parsers/log-format/nginx-conf.js';
import { readNginxSpec } from '../../parsers/log-format/nginx-format.js';

const CONF = `
# a commented-out format must not count: log_format old '$remote_addr';
http {
    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '   # trailing comment
                      "\\"$http_user_agent\\" \\"$http_x_forwarded_for\\"";

    log_format json escape=json
        '{"t":"$time_iso8601",'
        '"s":$status, "hash":"#not-a-comment", "semi":"a;b {c}"}';

    log_format timing '$remote_addr [$time_local] rt=$request_time';

    server {
        access_log off;
        access_log /var/log/nginx/a.log timing buffer=32k flush=5s;
        access_log /var/log/nginx/b.log main;
    }
}`;

describe('readNginxConf', () => {
  it('reads multi-line, concatenated, single- and double-quoted definitions and skips comments', () => {
    const { formats, accessLogs } = readNginxConf(CONF);
    expect(formats.map((f) => f.name)).toEqual(['main', 'json', 'timing']);
    expect(formats[0]).toEqual({
      name: 'main', escape: 'default',
      format: '$remote_addr - $remote_user [$time_local] "$request" $status $body_bytes_sent "$http_referer" "$http_user_agent" "$http_x_forwarded_for"',
    });
    expect(formats[1]).toEqual({
      name: 'json', escape: 'json', format: '{"t":"$time_iso8601","s":$status, "hash":"#not-a-comment", "semi":"a;b {c}"}',
    });
    expect(accessLogs).toEqual([
      { path: '/var/log/nginx/a.log', format: 'timing' },
      { path: '/var/log/nginx/b.log', format: 'main' },
    ]);
  });

  it('reads the bundled incidents\' configs', () => {
    for (const name of ['s2-nginx.conf', 's3-nginx.conf']) {
      const text = readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'access', name), 'utf8');
      const def = selectNginxLogFormat(text);
      expect(def.name).toBe('upstream_timing');
      expect(def.format).toMatch(/^\$remote_addr - \$remote_user \[\$time_local\] "\$request" \$status .* us="\$upstream_status"/);
    }
  });
});

describe('selectNginxLogFormat', () => {
  it('takes the named one, else the first access_log naming one, else the only one', () => {
    expect(selectNginxLogFormat(CONF, 'json').name).toBe('json');
    expect(selectNginxLogFormat(CONF).name).toBe('timing');
    expect(selectNginxLogFormat(`log_format only '$msec $status';`).format).toBe('$msec $status');
  });

  it('knows the predefined combined format', () => {
    expect(selectNginxLogFormat('access_log /x.log combined;').format).toBe(NGINX_COMBINED);
    expect(selectNginxLogFormat(CONF, 'combined').format).toBe(NGINX_COMBINED);
  });

  it('fails with the names it found', () => {
    const two = `log_format a '$msec'; log_format b '$msec';`;
    expect(() => selectNginxLogFormat(two)).toThrow(/several log_format: a, b.*--log-format-name/);
    expect(() => selectNginxLogFormat(CONF, 'nope')).toThrow(/no log_format "nope"; defined: main, json, timing/);
    expect(() => selectNginxLogFormat('http { }')).toThrow(/no log_format/);
  });
});

describe('logFormatOption', () => {
  it('hands the compiler exactly what nginx.conf defined, escape mode included', () => {
    for (const def of readNginxConf(CONF).formats.concat([
      { name: 'q', escape: 'none', format: `'quoted' \\ back\\slash $msec` },
      { name: 'r', escape: 'default', format: `'starts with a quote $msec` },
    ])) {
      const spec = readNginxSpec(logFormatOption(def));
      expect(spec).toEqual({ body: def.format, escape: def.escape });
    }
  });
});
