import { locateIp, NOWHERE } from '../geo/ip-locations.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'geo';

/** Country, continent, region and city of the client IP, from the DB-IP Lite city database. */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  const place = row.client_ip === null ? NOWHERE : locateIp(row.client_ip);
  row.country = place.country;
  row.continent = place.continent;
  row.region = place.region;
  row.city = place.city;
  return row;
}
