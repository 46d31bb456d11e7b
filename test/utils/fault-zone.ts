import moment from 'moment-timezone';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const BASE60 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX';

/**
 * A made-up zone with one fixed UTC offset, in minutes east (a multiple of 15 s): a test moves
 * slots by seconds with it, instead of waiting for the next UTC minute.
 */
export interface FaultZone {
  name: string;
  eastMinutes: number;
}

/** The zone in moment-timezone's packed form (offsets in base-60 minutes west). */
export function packZone(zone: FaultZone): string {
  return `${zone.name}|FLT|${base60(-zone.eastMinutes)}|0||0`;
}

/** Adds the zones to this process's tz data (before the calendar first reads a zone). */
export function addZones(zones: FaultZone[]): void {
  moment.tz.add(zones.map(packZone));
}

/**
 * A tz data file for test/utils/preload/fault-tzdata.ts: a child process loads these zones and
 * reports `version` as its tz data version.
 */
export function writeTzdataFile(label: string, version: string, zones: FaultZone[]): string {
  const file = join(tmpdir(), `fault-tzdata-${label}-${process.pid}.json`);
  writeFileSync(file, JSON.stringify({ version, zones: zones.map(packZone) }));
  return file;
}

function base60(minutes: number): string {
  const sign = minutes < 0 ? '-' : '';
  const abs = Math.abs(minutes);
  const whole = Math.floor(abs);
  const seconds = Math.round((abs - whole) * 60);
  let digits = '';
  for (let n = whole; ; n = Math.floor(n / 60)) {
    digits = BASE60[n % 60] + digits;
    if (n < 60) break;
  }
  return `${sign}${digits}${seconds ? `.${BASE60[seconds]}` : ''}`;
}
