// Reports that SQL alone does not answer well (spike detection, incident comparison) are
// TypeScript modules named by a `-- module:` header line; their SQL still lives in queries/.
// Whoever runs reports passes these to the runner (RunOptions.modules): the runner does not
// import them, since they run reports themselves.
import type { ReportModules } from '../report/runner.js';
import { spikes } from './spikes.js';
import { incident } from './incident.js';

export const MODULES: ReportModules = { spikes, incident };
