export {
  readServiceManifest,
  assertFunctionsDeclared,
  parseServiceManifest,
  type ServiceManifest,
  type FunctionManifest,
  type EventRuleManifest,
  type ScheduleManifest,
  type HttpRouteManifest,
} from './service-manifest.js';
export { ManifestError } from './manifest-error.js';
