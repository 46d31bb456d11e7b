/** A verified token that still cannot authenticate; the reason is logged, never answered. */
export class TokenRefusedError extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'TokenRefusedError';
  }
}
