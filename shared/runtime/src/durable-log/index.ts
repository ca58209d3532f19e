export { DurableLog, type DurableLogOptions, type DurableLogStats, type LogRecord } from './durable-log.js';
