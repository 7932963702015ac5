import { describe, expect, it } from 'vitest';
import { gzipSync } from 'node:zlib';
import { gunzipMembers, type GzipState } from '../../src/ingest/gzip-members.js';

/** Lines with enough variety that deflate uses Huffman-coded blocks, as real logs do. */
function logText(lines: number, seed = 1): Buffer {
  let x = seed;
  const out: string[] = [];
  for (let i = 0; i < lines; i++) {
    x = (x * 1103515245 + 12345) % 2147483648;
    out.push(`10.0.${x % 256}.${(x >> 8) % 256} - - [22/Nov/2026:09:52:${String(i % 60).padStart(2, '0')} +0000] "GET /item/${x % 100000} HTTP/1.1" ${200 + (x % 3) * 100} ${x % 9000}`);
  }
  return Buffer.from(out.join('\n') + '\n');
}

async function decode(input: Buffer, chunk = 1000): Promise<{ parts: Buffer[]; state: GzipState }> {
  const state: GzipState = { damage: null, truncatedAt: null, memberDecodedStart: 0 };
  async function* source(): AsyncGenerator<Buffer> {
    for (let i = 0; i < input.length; i += chunk) yield input.subarray(i, i + chunk);
  }
  const parts: Buffer[] = [];
  for await (const b of gunzipMembers(source(), state)) parts.push(b);
  return { parts, state };
}

const joined = (parts: Buffer[]) => Buffer.concat(parts);

describe('gunzipMembers', () => {
  it('decodes one member and several, marking where each later member starts', async () => {
    const a = logText(500, 1), b = logText(300, 2);
    for (const chunk of [7, 1000, 1 << 20]) {
      const one = await decode(gzipSync(a), chunk);
      expect(joined(one.parts).equals(a)).toBe(true);
      expect(one.state).toMatchObject({ damage: null, truncatedAt: null });
      const two = await decode(Buffer.concat([gzipSync(a), gzipSync(b)]), chunk);
      expect(joined(two.parts).equals(Buffer.concat([a, b]))).toBe(true);
      expect(two.parts.filter((p) => p.length === 0)).toHaveLength(1);
      const marker = two.parts.findIndex((p) => p.length === 0);
      expect(joined(two.parts.slice(0, marker)).length).toBe(a.length);
      expect(two.state).toMatchObject({ damage: null, truncatedAt: null, memberDecodedStart: a.length });
    }
  });

  it('reads a header with a name, comment and extra field, and ignores zero padding at the end', async () => {
    const a = logText(50);
    const plain = gzipSync(a);
    // FEXTRA | FNAME | FCOMMENT, then the same deflate data and trailer
    const header = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 4 | 8 | 16, 0, 0, 0, 0, 0, 3]), Buffer.from([3, 0, 1, 2, 3]),
      Buffer.from('access.log\0'), Buffer.from('rotated\0')]);
    const r = await decode(Buffer.concat([header, plain.subarray(10), Buffer.alloc(512)]), 5);
    expect(joined(r.parts).equals(a)).toBe(true);
    expect(r.state).toMatchObject({ damage: null, truncatedAt: null });
  });

  it('says where the damaged member starts, in the file and in the output, and reads nothing after it', async () => {
    const a = logText(400, 3), b = logText(400, 4), c = logText(100, 5);
    const ga = gzipSync(a), gb = gzipSync(b);
    const file = Buffer.concat([ga, gb, gzipSync(c)]);
    const mid = ga.length + Math.floor(gb.length / 2);
    file.fill(0, mid, mid + 64);
    const r = await decode(file);
    expect(r.state.damage).toMatchObject({ kind: 'gzip', from: ga.length, decodedFrom: a.length });
    expect(r.state.damage!.foundBy).toBeGreaterThan(mid);
    expect(r.state.damage!.foundBy).toBeLessThanOrEqual(ga.length + gb.length);
    const out = joined(r.parts);
    expect(out.subarray(0, a.length).equals(a)).toBe(true);
    expect(out.length).toBeLessThan(a.length + b.length + c.length);
  });

  it('a CRC that does not match what was decoded is damage', async () => {
    const a = logText(100);
    const g = gzipSync(a);
    g[g.length - 8] ^= 1;
    const r = await decode(g);
    expect(joined(r.parts).equals(a)).toBe(true); // (given out before the trailer said otherwise)
    expect(r.state.damage).toMatchObject({ from: 0, foundBy: g.length - 8, decodedFrom: 0 });
    expect(r.state.damage!.reason).toMatch(/CRC32/);
  });

  it('a file that ends inside a member is truncated, not damaged; junk after a member is damage', async () => {
    const a = logText(300);
    const g = gzipSync(a);
    const cut = await decode(g.subarray(0, g.length >> 1));
    expect(cut.state).toMatchObject({ damage: null });
    expect(cut.state.truncatedAt).toBe(0);
    expect(a.subarray(0, joined(cut.parts).length).equals(joined(cut.parts))).toBe(true);
    const noTrailer = await decode(g.subarray(0, g.length - 3));
    expect(noTrailer.state).toMatchObject({ damage: null, truncatedAt: 0 });
    const junk = await decode(Buffer.concat([g, Buffer.from('PK\u0003\u0004 not gzip')]));
    expect(joined(junk.parts).equals(a)).toBe(true);
    expect(junk.state.damage).toMatchObject({ from: g.length, decodedFrom: a.length });
  });
});
