// A line of the screen as styled runs. Views that draw character by character (the timeline)
// build these; <Line> turns them into ink <Text>. Colour is dropped when NO_COLOR is set, so
// every distinction must also exist in the characters themselves.
import { Text } from 'ink';
import { termSafe } from '../../util/sanitize.js';
import type { Segment, Tone } from './runs.js';

export type { Segment, Tone };
export { push, colorEnabled } from './runs.js';

const STYLE: Record<Tone, { color?: string; backgroundColor?: string; bold?: boolean; inverse?: boolean; dimColor?: boolean }> = {
  bar: { color: 'cyan' },
  error: { color: 'red' },
  spike: { color: 'yellow', dimColor: true },
  marker: { color: 'magenta', bold: true },
  cursor: { color: 'white', bold: true },
  mark: { color: 'yellow', bold: true },
  dim: { dimColor: true },
  title: { bold: true },
  select: { inverse: true },
  warn: { color: 'yellow' },
};

/** Styles that are not colour (bold, inverse) survive NO_COLOR: they carry no hue. */
function style(tone: Tone | undefined, color: boolean) {
  if (!tone) return {};
  const s = STYLE[tone];
  if (color) return s;
  return { bold: s.bold, inverse: s.inverse };
}

export function Line({ segments, color }: { segments: Segment[]; color: boolean }) {
  // without colour the runs differ only in bold: one <Text> for the line keeps ink's layout
  // work (and so each frame) small
  if (!color) return <Text wrap="truncate-end">{termSafe(segments.map((s) => s.text).join(''))}</Text>;
  return (
    <Text wrap="truncate-end">
      {segments.map((s, i) => (
        <Text key={i} {...style(s.tone, color)}>{termSafe(s.text)}</Text>
      ))}
    </Text>
  );
}
