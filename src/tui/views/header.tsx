// Two lines: what the database holds (sources, hosts, rows, rejects), then the window on screen.
import { Box, Text } from 'ink';
import { headerLines, type HeaderProps } from './header-text.js';

export type { HeaderProps, LiveStatus } from './header-text.js';

export function Header(props: HeaderProps) {
  const [first, second] = headerLines(props);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">{first}</Text>
      <Text wrap="truncate-end">{second}</Text>
    </Box>
  );
}
