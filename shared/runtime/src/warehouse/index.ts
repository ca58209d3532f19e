export * from './duckdb-warehouse.js';
