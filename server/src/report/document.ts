/** The `ajar audit --format json` document: the audit's accounts, findings and errors, and its posture figures. */
import { toAuditJson, type AuditJson, type AuditReport } from '../audit';
import { computePosture, type Posture } from '../audit/posture';

export interface AuditDocument extends AuditJson {
  posture: Posture;
}

export function auditDocument(report: AuditReport): AuditDocument {
  return { ...toAuditJson(report), posture: computePosture(report) };
}
