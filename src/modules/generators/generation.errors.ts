/** A failure that another attempt cannot fix (limits, unsupported type or format): fail at once. */
export class PermanentGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentGenerationError';
  }
}

/**
 * The database connection a report was read over closed under it (a restart, a failover, a
 * network cut): transient, another attempt reads again over a fresh connection.
 */
export class ConnectionLostError extends Error {
  constructor(cause?: Error) {
    super(
      `the connection to the database was lost while reading the report${cause ? ` (${cause.message})` : ''}`,
    );
    this.name = 'ConnectionLostError';
  }
}
