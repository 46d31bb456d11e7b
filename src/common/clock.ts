import { Injectable } from '@nestjs/common';

/** The current time, injectable so tests of time-dependent code can pin it. */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
