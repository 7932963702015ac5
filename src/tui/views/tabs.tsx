// The panel bar: numbered names, the open one in brackets (visible without colour too); the
// user's own reports (--queries) follow, reached by Tab, without a number key.
import { Text } from 'ink';
import { PANELS, PANEL_TITLES, type PanelId, type PanelInfo } from '../data/types.js';
import { termSafe } from '../../util/sanitize.js';

export function Tabs({ panel, extra = [], width, color }: { panel: PanelId; extra?: PanelInfo[]; width: number; color: boolean }) {
  const compact = width < 100 || extra.length > 0;
  const tabs = [
    ...PANELS.map((p, i) => ({ id: p as PanelId, name: PANEL_TITLES[p], num: `${i + 1} ` })),
    // a report's title is the user's text: made safe for the terminal like every other
    ...extra.map((p) => ({ id: p.id, name: termSafe(p.title), num: '' })),
  ];
  return (
    <Text wrap="truncate-end">
      {tabs.map((t) => {
        const name = compact && t.id !== panel ? t.name.slice(0, 4) : t.name;
        const label = t.id === panel ? `[${t.num}${name}]` : ` ${t.num}${name} `;
        return <Text key={t.id} bold={t.id === panel} inverse={t.id === panel && color}>{label}</Text>;
      })}
    </Text>
  );
}
