import { Injectable } from '@nestjs/common';

/** The current time, injectable so tests of time-dependent code can pin it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }

  /**
   * How far this clock reads ahead of the database's. Always 0 here: what must not depend on a
   * process's clock (claiming due slots) reads the database's; a test clock moves it too.
   */
  databaseOffsetMs(): number {
    return 0;
  }
}
