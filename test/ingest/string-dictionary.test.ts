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
