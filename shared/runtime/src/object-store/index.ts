export { assertValidKey, type ObjectStore } from './object-store.js';
export { FsObjectStore } from './fs-object-store.js';
