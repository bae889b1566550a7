/** Quick fixes by rule id (until each rule file carries its own), and the generic suppression. */
import type { Finding, Fix } from '../types';
import type { FixContext } from '../rules/rule';

export type FixFn = (finding: Finding, ctx: FixContext) => Fix[];

export const FIXES: Record<string, FixFn> = {};

export function suppressFix(_finding: Finding, _ctx: FixContext): Fix[] {
  return [];
}
