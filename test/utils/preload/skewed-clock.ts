// Loaded with `node -r` before the app: the process's clock reads FAULT_CLOCK_SKEW_MS off, as
// on a host whose clock drifted. Only Date is shifted; timers run as usual.
const skew = Number(process.env.FAULT_CLOCK_SKEW_MS ?? 0);
if (skew) {
  const RealDate = Date;
  class SkewedDate extends RealDate {
    constructor(...args: unknown[]) {
      if (args.length === 0) super(RealDate.now() + skew);
      else super(...(args as [string]));
    }

    static override now(): number {
      return RealDate.now() + skew;
    }
  }
  globalThis.Date = SkewedDate as DateConstructor;
}
