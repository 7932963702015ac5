// Format detection: score a sample of lines against every detectable format and keep the one
// that parses most of them (ties go to the more specific format, e.g. combined over common).
// A format that reads a line only as a variant of its family (nginx-combined reading a common
// line) counts it as parsed but not as its own: between formats that parse as many lines, the
// one whose own layout reads more of them wins, so a plain common log stays apache-common.
import type { FormatDefinition, ParserOptions } from '../../parsers/types.js';

export interface FormatScore {
  format: FormatDefinition;
  parsed: number;
  /** lines read by the format's own layout, not as a variant of its family */
  own: number;
  total: number;
}

export interface Detection {
  best: FormatScore | null;
  /** every format, best first: what "came closest" when nothing matched */
  ranking: FormatScore[];
  /** the first sample line that the best format (or every format) did not parse */
  firstUnmatched: string | null;
}

export const SAMPLE_LINES = 200;

/** The first lines of `head` (a partial last line is dropped unless the head is the whole input). */
export function sampleLines(head: Buffer, wholeInput: boolean, max = SAMPLE_LINES): string[] {
  let text = head.toString('utf8');
  if (!wholeInput) {
    const nl = text.lastIndexOf('\n');
    text = nl >= 0 ? text.slice(0, nl) : text;
  }
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') {
      // Blank lines matter to multi-line formats (slowlog entry separators): keep them once
      // the sample has started, but do not let them count as matches.
      if (lines.length) lines.push(line);
      continue;
    }
    lines.push(line);
    if (lines.length >= max) break;
  }
  return lines;
}

export function scoreFormat(format: FormatDefinition, lines: string[], options: ParserOptions): FormatScore & { unmatched: string | null } {
  const parser = format.create(options);
  let parsed = 0;
  let own = 0;
  let total = 0;
  let unmatched: string | null = null;
  lines.forEach((line, i) => {
    const out = parser.parse(line, i + 1);
    if (line.trim() === '') return;
    total++;
    // A line kept as unplaced-time was recognised: only its time needs an option (--year ...),
    // and detection must not send the user looking for another format. So was a snapshot cut
    // short (cut-snapshot): the format is right, the capture is incomplete.
    if (out.type === 'reject' && out.reason !== 'unplaced-time' && out.reason !== 'cut-snapshot') unmatched ??= line;
    else if (out.type !== 'skip') {
      parsed++;
      if (out.type !== 'request' || out.variant === undefined) own++;
    }
  });
  return { format, parsed, own, total, unmatched };
}

export function detectFormat(formats: FormatDefinition[], lines: string[], options: ParserOptions): Detection {
  const scored = formats
    .filter((f) => f.detectable)
    .map((f) => scoreFormat(f, lines, options))
    .sort((a, b) => b.parsed - a.parsed || b.own - a.own || b.format.specificity - a.format.specificity);
  const top = scored[0];
  const best = top && top.parsed > 0 ? top : null;
  const firstUnmatched = best ? best.unmatched : (lines.find((l) => l.trim() !== '') ?? null);
  return { best, ranking: scored, firstUnmatched };
}
