// StringDictionary keeps a cache of recent values in front of its map: it must hand out exactly
// the ids (and new entries) the plain map did, through collisions, short and empty strings,
// non-ASCII text and the map starting over when full.
import { describe, expect, it } from 'vitest';
import { StringDictionary } from '../../src/ingest/request-encoding.js';
import { rng } from '../../bench/random.js';

/** The dictionary as it was before the cache (the reference). */
class MapOnlyDictionary {
  private ids = new Map<string, number>();
  private chars = 0;
  private pending: Array<number | string> = [];
  constructor(private next: number, private readonly capacity = 200_000, private readonly capacityChars = 4_000_000) {}
  idOf(text: string | null): number {
    if (text === null) return NaN;
    const known = this.ids.get(text);
    if (known !== undefined) return known;
    if (this.ids.size >= this.capacity || this.chars >= this.capacityChars) {
      this.ids.clear();
      this.chars = 0;
    }
    const id = this.next++;
    this.ids.set(text, id);
    this.chars += text.length;
    this.pending.push(id, text);
    return id;
  }
  drain(): Array<number | string> {
    const out = this.pending;
    this.pending = [];
    return out;
  }
}

/** Values as they reach the dictionary: fresh slices of a longer string, never the same object. */
function values(seed: number, count: number, distinct: number): Array<string | null> {
  const rand = rng(seed);
  const alphabet = ['a', 'b', '1', '2', '.', ':', '/', 'é', '日', '\u0000', '\uD800', '\uDC00', '😀', ' '];
  const pool: string[] = ['', 'a', 'ab', 'abc', 'ba', '\uD800', 'é'];
  while (pool.length < distinct) {
    const n = Math.floor(rand() * (rand() < 0.5 ? 6 : 120));
    let s = '';
    for (let i = 0; i < n; i++) s += alphabet[Math.floor(rand() * alphabet.length)];
    pool.push(s);
  }
  const out: Array<string | null> = [];
  for (let i = 0; i < count; i++) {
    if (rand() < 0.02) { out.push(null); continue; }
    const v = pool[Math.floor(Math.pow(rand(), 2) * pool.length)];
    out.push(('<' + v + '>').slice(1, v.length + 1));
  }
  return out;
}

describe('StringDictionary', () => {
  it.each([
    ['few values', 1, 20_000, 30, 200_000, 4_000_000],
    ['many values (every slot collides)', 2, 50_000, 20_000, 200_000, 4_000_000],
    ['starting over by entries', 3, 50_000, 2_000, 500, 4_000_000],
    ['starting over by characters', 4, 50_000, 2_000, 200_000, 3_000],
  ])('%s: the same ids and entries as the plain map', (_name, seed, count, distinct, capacity, capacityChars) => {
    const ours = new StringDictionary(100, capacity, capacityChars);
    const reference = new MapOnlyDictionary(100, capacity, capacityChars);
    const got: number[] = [];
    const want: number[] = [];
    const xs = values(seed, count, distinct);
    xs.forEach((v, i) => {
      got.push(ours.idOf(v));
      want.push(reference.idOf(v));
      if (i % 997 === 0) expect(ours.drain()).toEqual(reference.drain());
    });
    expect(got).toEqual(want);
    expect(ours.drain()).toEqual(reference.drain());
  });
});

describe('StringDictionary reusing stored strings', () => {
  it('a value already stored takes its stored id and is not written again; others take new ids as before', () => {
    const stored = new Map<string, number>([['GET', 7], ['/a', 9], ['日本', 11]]);
    const asked: string[] = [];
    const dict = new StringDictionary(100, 30_000, 600_000, (t) => { asked.push(t); return stored.get(t); });
    const fresh = (s: string) => ('<' + s + '>').slice(1, s.length + 1);
    expect(dict.idOf(fresh('GET'))).toBe(7);
    expect(dict.idOf(fresh('POST'))).toBe(100);
    expect(dict.idOf(fresh('/a'))).toBe(9);
    expect(dict.idOf(fresh('/b'))).toBe(101);
    expect(dict.idOf(fresh('日本'))).toBe(11);
    // only the new values are written with the batch; the stored ones it took travel beside
    // them (for the rollup pass), each once
    expect(dict.drain()).toEqual([100, 'POST', 101, '/b']);
    expect(dict.drainReused()).toEqual([7, 'GET', 9, '/a', 11, '日本']);
    // met again: from the map (or its cache), not looked up again
    expect([dict.idOf(fresh('GET')), dict.idOf(fresh('POST')), dict.idOf(fresh('/a')), dict.idOf(fresh('/b'))]).toEqual([7, 100, 9, 101]);
    expect(asked).toEqual(['GET', 'POST', '/a', '/b', '日本']);
    expect(dict.drain()).toEqual([]);
    expect(dict.drainReused()).toEqual([]);
  });

  it.each([
    ['few values', 5, 20_000, 30, 200_000, 4_000_000],
    ['many values (every slot collides)', 6, 50_000, 20_000, 200_000, 4_000_000],
    ['starting over by entries', 7, 50_000, 2_000, 500, 4_000_000],
  ])('%s: the same ids as looking each value up in the map, then the store, then a new id', (_name, seed, count, distinct, capacity, capacityChars) => {
    // every third value of the pool is stored, under ids below the block
    const xs = values(seed, count, distinct);
    const stored = new Map<string, number>();
    let k = 0;
    for (const v of new Set(xs)) if (v !== null && k++ % 3 === 0) stored.set(v, stored.size + 1);
    expect(stored.size).toBeGreaterThan(Math.min(distinct, 30) / 4);
    const ours = new StringDictionary(1_000_000, capacity, capacityChars, (t) => stored.get(t));
    // the reference: the plain map, asked only for values the store does not hold
    const reference = new MapOnlyDictionary(1_000_000, capacity, capacityChars);
    const got: number[] = [];
    const want: number[] = [];
    for (const v of xs) {
      got.push(ours.idOf(v));
      want.push(v !== null && stored.has(v) ? stored.get(v)! : reference.idOf(v));
    }
    // (the reference starts over by its own count, which leaves out the stored values: the ids
    // can differ after a start over only by a value getting a second id later in one than the
    // other; with no start over they are equal)
    if (capacity >= distinct) expect(got).toEqual(want);
    // either way: a stored value always takes its stored id, a new one an id of the block
    xs.forEach((v, i) => {
      if (v === null) expect(got[i]).toBeNaN();
      else if (stored.has(v)) expect(got[i]).toBe(stored.get(v));
      else expect(got[i]).toBeGreaterThanOrEqual(1_000_000);
    });
    // and every id of the block written names the text it was given for
    const pairs = ours.drain();
    const textOf = new Map<number, string>();
    for (let i = 0; i < pairs.length; i += 2) textOf.set(pairs[i] as number, pairs[i + 1] as string);
    xs.forEach((v, i) => { if (v !== null && !stored.has(v)) expect(textOf.get(got[i])).toBe(v); });
    expect([...textOf.values()].some((t) => stored.has(t))).toBe(false);
  });
});
