export * from './durable-log/index.js';
export * from './object-store/index.js';
export * from './warehouse/index.js';
export * from './bus/index.js';
export * from './manifest/index.js';
export * from './schedule/index.js';
export * from './embedded-environment.js';
export * from './serial/serial-queue.js';
