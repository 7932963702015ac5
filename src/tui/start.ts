// The entry `overload demo` imports (src/cli/demo.ts): the same startTui as src/tui/index.ts.
export { startTui, type TuiOptions } from './index.js';
