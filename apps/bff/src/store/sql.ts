/** The little of a SQL client the store needs; PGlite and `pg` both fit behind it. */
export interface SqlClient {
  query<R extends object = Record<string, unknown>>(text: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/** A database the store runs on: plain queries, a transaction, and shutdown. */
export interface SqlDriver extends SqlClient {
  /** Runs `fn` inside BEGIN … COMMIT on one connection; rolls back if it throws. */
  transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
