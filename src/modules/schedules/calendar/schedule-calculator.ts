/** The schedule calculator's public face: run instants and config validation (pure, no I/O). */
export { nextRuns } from './next-runs';
export { validateScheduleConfig } from './schedule-config.validator';
export { compareSlotKeys, runOnOrAfter, slotKeyAt, tzdataVersion } from './slot-keys';
