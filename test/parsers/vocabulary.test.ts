// The README's event vocabulary is the users' reference for `kind`: every kind a parser may
// store has its row there, and a row names no kind that does not exist.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { EVENT_KINDS } from '../../parsers/types.js';

const readme = readFileSync(fileURLToPath(new URL('../../README.md', import.meta.url)), 'utf8');
const section = readme.slice(readme.indexOf('## Event vocabulary'), readme.indexOf('\n## ', readme.indexOf('## Event vocabulary') + 1));

describe('README event vocabulary', () => {
  it('has a row for every kind, and no row for a kind that does not exist', () => {
    const rows = [...section.matchAll(/^\| `([a-z_]+)` \|/gm)].map((m) => m[1]);
    expect([...rows].sort()).toEqual([...EVENT_KINDS].sort());
  });
});
