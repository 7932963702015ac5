// The panel bar: numbered names, the open one in brackets (visible without colour too).
import { Text } from 'ink';
import { PANELS, PANEL_TITLES, type PanelId } from '../data/types.js';

export function Tabs({ panel, width, color }: { panel: PanelId; width: number; color: boolean }) {
  const compact = width < 100;
  return (
    <Text wrap="truncate-end">
      {PANELS.map((p, i) => {
        const name = compact && p !== panel ? PANEL_TITLES[p].slice(0, 4) : PANEL_TITLES[p];
        const label = p === panel ? `[${i + 1} ${name}]` : ` ${i + 1} ${name} `;
        return <Text key={p} bold={p === panel} inverse={p === panel && color}>{label}</Text>;
      })}
    </Text>
  );
}
