/**
 * Fix machinery shared by the rules: format-preserving edits (edit.ts) over the document's
 * style (style.ts), path queries (paths.ts) and YAML/JSON rendering (render.ts), finding-to-node
 * helpers (common.ts), the public-statement fixes AJ101 and AJ102 share (statement.ts) and the generic
 * "Suppress with reason" (suppress.ts). Each rule's own quick fixes live in its rule file, beside
 * its check (`Rule.fixes`). Nothing here imports a rule.
 */
export { suppressFix } from './suppress';
export { applyEdits } from './edit';
