// ANY /api/{proxy+} — the console's control-plane and analytics API.
import { httpHandler, json } from '@clickstream/lambda-kit';
import { matchRoute } from '../domain/router.js';
import { routes } from '../domain/routes.js';
import { logger, ports } from '../wiring.js';

export const handler = httpHandler(logger, async (event) => {
  const { route, params } = matchRoute(routes, event.requestContext.http.method.toUpperCase(), event.rawPath);
  const result = await route.run(params, ports());
  return json(result.status, result.body);
});
