// The lab's store for a process started without the lab config (the CLI's local reads, the dashboard without
// --config): $TESTLAB_STORE names a PostgreSQL database (password: $TESTLAB_STORE_PASSWORD_FILE, a mode-600
// file, or the client's own PGPASSWORD / ~/.pgpass); unset, the SQLite file in the lab home.
import path from 'node:path';
import { postgresLocation, type StoreLocation } from '@testlab/core';

export function envStoreLocation(env: NodeJS.ProcessEnv, home: string): StoreLocation {
  const url = env.TESTLAB_STORE;
  if (url === undefined || url === '') return { backend: 'sqlite', file: path.join(home, 'lab.db') };
  const file = env.TESTLAB_STORE_PASSWORD_FILE;
  try {
    return postgresLocation(url, file ? { file: path.resolve(file) } : {});
  } catch (error) {
    throw new Error(`TESTLAB_STORE: ${(error as Error).message}`, { cause: error });
  }
}
