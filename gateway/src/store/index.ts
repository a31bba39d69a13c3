export * from './types.ts';
export * from './Store.ts';
export { SqliteStore } from './SqliteStore.ts';
export { migrate, migrations, schemaVersion } from './migrations.ts';
export { hashPassword, verifyPassword } from './password.ts';
