import { continentOfCountry } from '../geo/continents.js';
import { countryOfIp } from '../geo/country-database.js';
import type { StepContext, WorkingEvent } from '../pipeline/step.js';

export const name = 'geo';

/** Country (and its continent) of the client IP, from the DB-IP Lite database. */
export function process(row: WorkingEvent, _ctx: StepContext): WorkingEvent {
  const country = row.client_ip === null ? null : countryOfIp(row.client_ip);
  row.country = country;
  row.continent = country === null ? null : continentOfCountry(country);
  return row;
}
