export * from './errors.js';
export * from './logger.js';
export * from './config.js';
export * from './clock.js';
export * from './publisher.js';
export * from './http.js';
export * from './events.js';
export * from './batch.js';
