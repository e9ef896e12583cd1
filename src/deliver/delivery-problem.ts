import type { Problem } from '../core/problem.ts';
import { type DeliveryError, deliveryDiagnostic } from './delivery-error.ts';

/** A delivery failure as the UI shows it. */
export function deliveryProblem(error: DeliveryError): Problem {
  const d = deliveryDiagnostic(error);
  return { stage: 'deliver', reason: error.reason, message: d.message, ...(d.hint ? { fix: d.hint } : {}) };
}
