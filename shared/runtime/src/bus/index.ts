export {
  compilePattern,
  matchesPattern,
  validatePattern,
  EventPatternError,
  type EventPattern,
  type ContentFilter,
  type AnythingBut,
  type PatternLeaf,
  type PatternScalar,
} from './event-pattern.js';
export {
  LocalEventBus,
  type BusEntry,
  type BusTarget,
  type LocalEventBusOptions,
  type SubscribeOptions,
} from './local-event-bus.js';
export { bindServiceRules } from './service-rules.js';
export { DurableBusJournal, type BusJournal } from './bus-journal.js';
export { createLocalPublisher } from './local-publisher.js';
