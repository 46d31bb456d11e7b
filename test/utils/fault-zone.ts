import moment from 'moment-timezone';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';

const MINUTE_MS = 60_000;
const QUARTER_MINUTE_MS = 15_000;
const BASE60 = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWX';

/** A made-up zone with one fixed UTC offset, in minutes east (a multiple of 15 s). */
export interface FaultZone {
  name: string;
  eastMinutes: number;
}

/**
 * The offset that puts the local wall time `wall` ("2026-12-04T12:00") at instant `at`, rounded
 * to 15 s: how a test places a daily slot a few seconds ahead instead of on a minute boundary.
 */
export function offsetPlacing(wall: string, at: number): number {
  const snapped = Math.round(at / QUARTER_MINUTE_MS) * QUARTER_MINUTE_MS;
  return (Date.parse(`${wall}:00Z`) - snapped) / MINUTE_MS;
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
