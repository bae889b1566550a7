/**
 * Quick fixes by rule id (until each rule file carries its own `fixes`), and the generic
 * "Suppress with reason". Every fix is a minimal text edit computed on the analysed text.
 */
import type { Finding, Fix } from '../types';
import type { FixContext } from '../rules/rule';
import { fixesAJ101, fixesAJ102 } from './AJ101';
import { fixesAJ103 } from './AJ103';
import { fixesAJ111 } from './AJ111';
import { fixesAJ112 } from './AJ112';
import { fixesAJ201 } from './AJ201';
import { fixesAJ303 } from './AJ303';
import { fixesAJ304 } from './AJ304';
import { fixesAJ305 } from './AJ305';

export type FixFn = (finding: Finding, ctx: FixContext) => Fix[];

export const FIXES: Record<string, FixFn> = {
  AJ101: fixesAJ101,
  AJ102: fixesAJ102,
  AJ103: fixesAJ103,
  AJ111: fixesAJ111,
  AJ112: fixesAJ112,
  AJ201: fixesAJ201,
  AJ303: fixesAJ303,
  AJ304: fixesAJ304,
  AJ305: fixesAJ305,
};

export { suppressFix } from './suppress';
export { applyEdits } from './edit';
