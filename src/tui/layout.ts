// How the rows of the terminal are shared: the panel gets what the header, the timeline, the
// tabs and the footer leave, and one row stays free (a full screen would make ink clear and
// redraw everything on each frame: flicker).
export function layout(rows: number) {
  const chart = Math.max(2, Math.min(12, Math.floor((rows - 8) / 4)));
  const fixed = 2 /* header */ + chart + 4 /* markers, axis, labels, cursor line */ + 1 /* tabs */ + 1 /* footer */;
  return { chart, panel: Math.max(3, rows - 1 - fixed), help: Math.max(3, rows - 1 - 3) };
}
