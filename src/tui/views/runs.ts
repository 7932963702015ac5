// Styled runs of characters, without ink: the drawing code (timeline-draw.ts) builds them and
// stays importable before ink has loaded (the first paint starts its queries first).
export type Tone = 'bar' | 'error' | 'spike' | 'marker' | 'cursor' | 'mark' | 'dim' | 'title' | 'select' | 'warn';

export interface Segment {
  text: string;
  tone?: Tone;
}

/** Append to the last run when the tone matches (fewer <Text> nodes per line). */
export function push(line: Segment[], text: string, tone?: Tone): void {
  const last = line[line.length - 1];
  if (last && last.tone === tone) last.text += text;
  else line.push({ text, tone });
}


/** no-color.org: NO_COLOR present and not empty disables colour */
export function colorEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  return !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
}
