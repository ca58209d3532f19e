import { anonymiseIp } from '../geo/ip-address.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'anonymise-ip';

/** Runs after geo (which needs the full address) when the pipeline asks for `anonymiseIp`. */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  if (row.client_ip !== null) row.client_ip = anonymiseIp(row.client_ip);
  return row;
}
