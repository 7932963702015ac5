// `?`: every key with what it does, in place of the panel.
import { Box, Text } from 'ink';
import { KEY_HELP } from '../keys.js';

export function Help({ height }: { height: number }) {
  const rows = KEY_HELP.slice(0, Math.max(1, height - 2));
  return (
    <Box flexDirection="column">
      <Text bold>Keys (? or Esc closes this)</Text>
      {rows.map((k) => (
        <Text key={k.keys} wrap="truncate-end">{`  ${k.keys.padEnd(16)} ${k.what}`}</Text>
      ))}
      <Text dimColor wrap="truncate-end">  timeline: bars are requests/s, ▓ the 5xx part, ░ spike windows; marks O overload P pool limit T timeouts D disk buffering</Text>
    </Box>
  );
}
