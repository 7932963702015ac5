// The last line: the filter being typed, a message (export written, no spike...), or the keys.
import { Text } from 'ink';
import { termSafe } from '../../util/sanitize.js';
import { KEY_HELP } from '../keys.js';

export function Footer({ editingFilter, filter, message, width }: { editingFilter: boolean; filter: string; message: string | null; width: number }) {
  if (editingFilter) return <Text wrap="truncate-end">{`filter: ${termSafe(filter)}_   (Enter keep, Esc clear)`}</Text>;
  // as many keys as fit, always ending with help and quit (the help lists the rest)
  const tail = '  ? help  q quit';
  const keys = KEY_HELP.filter((k) => k.short && k.short !== 'help' && k.short !== 'quit').map((k) => `${k.keys.split('  ')[0]} ${k.short}`);
  let text = '';
  for (const k of keys) if ((text + '  ' + k + tail).length <= width - 1) text += (text ? '  ' : '') + k;
  text += tail;
  const filterNote = filter ? `filter "${termSafe(filter)}" | ` : '';
  return (
    <Text wrap="truncate-end" dimColor={!message}>
      {message ? `${filterNote}${termSafe(message)}` : `${filterNote}${text}`}
    </Text>
  );
}
