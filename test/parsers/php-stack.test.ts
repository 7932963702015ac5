import { describe, expect, it } from 'vitest';
import { appFrame, isInternal, parseFrame } from '../../parsers/php-stack.js';
import type { SlowFrame } from '../../parsers/types.js';

const f = (depth: number, fn: string, file: string | null, line: number | null): SlowFrame => ({ depth, function: fn, file, line });

describe('php stack frames', () => {
  it('parses a frame, and a frame with no PHP caller', () => {
    expect(parseFrame('[0x00007fe107213350] sleep() /tmp/a b/report.php:9', 0)).toEqual(f(0, 'sleep()', '/tmp/a b/report.php', 9));
    expect(parseFrame('[0x00007fe107213350] {closure}() unknown:0', 2)).toEqual(f(2, '{closure}()', null, null));
    expect(parseFrame('[0x00007fe107213350] sleep()', 0)).toBeNull();
  });

  it('uses the built-in list for the innermost frame only', () => {
    const stack = [f(0, 'execute()', '/app/Db.php', 20), f(1, 'execute()', '/app/Repo.php', 5), f(2, 'find()', '/app/Ctl.php', 9)];
    expect(isInternal(stack, 0)).toBe(true);
    expect(isInternal(stack, 1)).toBe(false); // a user method that happens to share the name
    expect(appFrame(stack)).toBe('execute()');
  });

  it('does not mistake recursion on one line for a built-in', () => {
    const stack = [f(0, 'walk()', '/app/Tree.php', 12), f(1, 'walk()', '/app/Tree.php', 12), f(2, 'render()', '/app/View.php', 3)];
    expect(isInternal(stack, 1)).toBe(false);
  });

  it('has no app frame when every frame is internal', () => {
    expect(appFrame([f(0, 'sleep()', '/a.php', 1), f(1, '[INCLUDE_OR_EVAL]()', '/index.php', 2)])).toBeNull();
    expect(appFrame([])).toBeNull();
  });
});
