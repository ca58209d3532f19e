import type { ConsoleApiPorts } from '../ports/index.js';
import type { Route } from './router.js';

/** A console API route, whatever its query and body types (each validates its own at the edge). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each route carries its own query/body types
export type ConsoleRoute = Route<ConsoleApiPorts, any, any>;

/** Declares a route with its query and body types inferred from its schemas. */
export function defineRoute<Q = undefined, B = undefined>(route: Route<ConsoleApiPorts, Q, B>): ConsoleRoute {
  return route as ConsoleRoute;
}
