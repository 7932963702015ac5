// A line of the screen as styled runs. Views that draw character by character (the timeline)
// build these; <Line> turns them into ink <Text>. Colour is dropped when NO_COLOR is set, so
// every distinction must also exist in the characters themselves.
import { Text } from 'ink';
import { termSafe } from '../../util/sanitize.js';

export type Tone = 'bar' | 'error' | 'spike' | 'marker' | 'cursor' | 'mark' | 'dim' | 'title' | 'select' | 'warn';

export interface Segment {
  text: string;
  tone?: Tone;
}

/** no-color.org: NO_COLOR present and not empty disables colour */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}

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

/** Append to the last run when the tone matches (fewer <Text> nodes per line). */
export function push(line: Segment[], text: string, tone?: Tone): void {
  const last = line[line.length - 1];
  if (last && last.tone === tone) last.text += text;
  else line.push({ text, tone });
}

export function Line({ segments, color }: { segments: Segment[]; color: boolean }) {
  return (
    <Text wrap="truncate-end">
      {segments.map((s, i) => (
        <Text key={i} {...style(s.tone, color)}>{termSafe(s.text)}</Text>
      ))}
    </Text>
  );
}
