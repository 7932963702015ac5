// `overload postmortem`: the incident document. (Being written: see src/postmortem/.)
import { CliError } from './exit-codes.js';

export async function run(): Promise<number> {
  throw new CliError('postmortem is not available yet');
}
