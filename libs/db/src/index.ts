export { createDatabase, startDatabase, type Database, type DatabaseOptions, type Db } from './create-database';
export { migrateDatabase, ensureDatabaseExists, migrationsFolder } from './migrate-database';
export { waitForPostgres, type WaitForPostgresOptions } from './wait-for-postgres';
export { withDatabase, isDatabaseUnavailable } from './database-errors';
export * from './schema';
export { inTransaction, type DbTransaction } from './in-transaction';
