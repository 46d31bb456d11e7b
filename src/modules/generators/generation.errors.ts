/** A failure that another attempt cannot fix (limits, unsupported type or format): fail at once. */
export class PermanentGenerationError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentGenerationError';
  }
}
