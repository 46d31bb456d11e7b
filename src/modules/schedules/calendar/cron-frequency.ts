import { clockTime, formatDay } from './civil-date';
import { CronExpression, shortestWallInterval } from './cron-expression';
import { nextRuns } from './next-runs';
import type { ScheduleConfig } from './schedule-config';
import { ZoneRules } from './zone-rules';

const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

/**
 * Why a cron entry can fire less than `minMinutes` apart, or null. Wall-clock neighbours come
 * first (`*\/2`, `58,2 1,2`); then the real runs around the zone's clock changes in [from, to),
 * where a fixed time before a gap and the gap's end, or a wildcard entry repeating a
 * 30-minute overlap, can come closer than the wall clock says.
 */
export function tooFrequent(
  config: ScheduleConfig,
  cron: CronExpression,
  minMinutes: number,
  from: number,
  to: number,
): string | null {
  const wall = shortestWallInterval(cron);
  if (wall.minutes < minMinutes) {
    return `${clockTime(wall.from)} and ${clockTime(wall.to)} are ${wall.minutes} minute${wall.minutes === 1 ? '' : 's'} apart`;
  }
  const zone = ZoneRules.of(config.timezone);
  if (!zone) return null;
  for (const change of zone.transitionsBetween(from, to)) {
    const runs = nextRuns(config, new Date(change - 30 * HOUR_MS), 3 * cron.times.length + 4);
    for (let i = 1; i < runs.length && runs[i - 1].at.getTime() < change + 30 * HOUR_MS; i += 1) {
      const minutes = (runs[i].at.getTime() - runs[i - 1].at.getTime()) / MINUTE_MS;
      if (minutes < minMinutes) {
        const day = formatDay(zone.localDay(change));
        return (
          `around the clock change on ${day} in ${zone.name} it runs at ` +
          `${zone.wallTimeLabel(runs[i - 1].at.getTime())} and ${zone.wallTimeLabel(runs[i].at.getTime())}, ` +
          `${minutes} minute${minutes === 1 ? '' : 's'} apart`
        );
      }
    }
  }
  return null;
}
