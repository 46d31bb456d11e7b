import { daysFromCivil, DAY_MS } from './civil-date';
import { formatOffset, ZoneRules } from './zone-rules';

const zone = (name: string) => {
  const rules = ZoneRules.of(name);
  if (!rules) throw new Error(`no zone ${name}`);
  return rules;
};
const wall = (iso: string) => Date.parse(`${iso}Z`); // a wall time on a UTC-like axis
const at = (iso: string) => Date.parse(iso);

describe('ZoneRules', () => {
  it('knows exact tz database names and links, and nothing else', () => {
    for (const name of ['UTC', 'America/New_York', 'Asia/Kolkata', 'Asia/Calcutta', 'US/Eastern']) {
      expect(ZoneRules.isKnown(name)).toBe(true);
    }
    for (const name of ['Mars/Base', 'america/new_york', 'EST+5', '+05:00', '', 'Local']) {
      expect(ZoneRules.isKnown(name)).toBe(false);
    }
    expect(ZoneRules.of('Mars/Base')).toBeNull();
  });

  it('resolves a wall time that occurs once', () => {
    expect(zone('America/New_York').resolve(wall('2026-07-01T09:00:00'))).toEqual({
      kind: 'single',
      at: at('2026-07-01T13:00:00Z'),
    });
  });

  it.each([
    // zone, wall time in the gap, gap end (the transition instant), gap minutes
    ['America/New_York', '2026-03-08T02:30:00', '2026-03-08T07:00:00Z', 60],
    ['Europe/London', '2026-03-29T01:00:00', '2026-03-29T01:00:00Z', 60],
    ['Australia/Sydney', '2026-10-04T02:59:00', '2026-10-03T16:00:00Z', 60],
    ['Pacific/Chatham', '2026-09-27T02:45:00', '2026-09-26T14:00:00Z', 60],
    ['Pacific/Chatham', '2026-09-27T03:44:00', '2026-09-26T14:00:00Z', 60],
    ['Australia/Lord_Howe', '2026-10-04T02:15:00', '2026-10-03T15:30:00Z', 30],
    ['Pacific/Apia', '2011-12-30T09:00:00', '2011-12-30T10:00:00Z', 1440],
  ])('finds the gap in %s at %s', (name, local, gapEnd, minutes) => {
    expect(zone(name).resolve(wall(local))).toEqual({
      kind: 'gap',
      gapEnd: at(gapEnd),
      gapMinutes: minutes,
    });
  });

  it.each([
    ['America/New_York', '2026-11-01T01:30:00', '2026-11-01T05:30:00Z', '2026-11-01T06:30:00Z'],
    ['Europe/Berlin', '2027-10-31T02:00:00', '2027-10-31T00:00:00Z', '2027-10-31T01:00:00Z'],
    ['Australia/Lord_Howe', '2026-04-05T01:45:00', '2026-04-04T14:45:00Z', '2026-04-04T15:15:00Z'],
  ])('finds both occurrences of a repeated time in %s at %s', (name, local, first, second) => {
    expect(zone(name).resolve(wall(local))).toEqual({
      kind: 'overlap',
      first: at(first),
      second: at(second),
    });
  });

  it('is steady on ordinary days and not next to a transition', () => {
    const ny = zone('America/New_York');
    expect(ny.steadyOffset(daysFromCivil(2026, 7, 1))).toBe(-240);
    expect(ny.steadyOffset(daysFromCivil(2026, 1, 15))).toBe(-300);
    expect(ny.steadyOffset(daysFromCivil(2026, 3, 8))).toBeNull();
    expect(zone('Asia/Kathmandu').steadyOffset(daysFromCivil(2026, 3, 8))).toBe(345);
  });

  it('gives local days, ISO wall clocks, offsets and labels', () => {
    const ny = zone('America/New_York');
    const gapEnd = at('2026-03-08T07:00:00Z');
    expect(ny.localDay(gapEnd)).toBe(daysFromCivil(2026, 3, 8));
    expect(ny.localDay(at('2026-03-08T04:59:00Z'))).toBe(daysFromCivil(2026, 3, 7));
    expect(ny.localIso(gapEnd)).toEqual({
      local: '2026-03-08T03:00:00-04:00',
      utcOffset: '-04:00',
    });
    expect(ny.wallTimeLabel(gapEnd)).toBe('03:00 EDT');
    expect(zone('Europe/Berlin').wallTimeLabel(at('2026-07-01T07:00:00Z'))).toBe('09:00 CEST');
    expect(zone('Pacific/Chatham').wallTimeLabel(at('2026-09-26T14:00:00Z'))).toBe(
      '03:45 UTC+13:45',
    );
    expect(zone('Asia/Kathmandu').localIso(at('2026-01-01T00:00:00Z')).utcOffset).toBe('+05:45');
    expect(zone('UTC').wallTimeLabel(at('2026-01-01T00:00:00Z'))).toBe('00:00 UTC');
    expect(formatOffset(-570)).toBe('-09:30');
    expect(formatOffset(0)).toBe('+00:00');
  });

  it('lists transitions in a window', () => {
    expect(
      zone('America/New_York')
        .transitionsBetween(at('2026-01-01T00:00:00Z'), at('2027-01-01T00:00:00Z'))
        .map((t) => new Date(t).toISOString()),
    ).toEqual(['2026-03-08T07:00:00.000Z', '2026-11-01T06:00:00.000Z']);
    expect(zone('UTC').transitionsBetween(0, 4e12)).toEqual([]);
  });

  // The vectors were made with tzdata 2025b (moment-timezone's data); the runtime's ICU must
  // agree for these zones, or files, previews and the vectors would drift apart.
  it.each([
    'America/New_York',
    'Europe/London',
    'Europe/Berlin',
    'Australia/Sydney',
    'Australia/Lord_Howe',
    'Pacific/Chatham',
    'Asia/Kolkata',
    'Asia/Kathmandu',
    'America/Sao_Paulo',
    'Pacific/Apia',
  ])('agrees with the runtime tz database (Intl) in %s, 2025–2029', (name) => {
    const rules = zone(name);
    const intl = new Intl.DateTimeFormat('en-US', { timeZone: name, timeZoneName: 'longOffset' });
    const intlOffset = (ms: number) => {
      const text = intl.formatToParts(ms).find((p) => p.type === 'timeZoneName')?.value ?? '';
      const m = /GMT([+-])(\d\d):(\d\d)/.exec(text);
      return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
    };
    const from = at('2025-01-01T00:00:00Z');
    const to = at('2030-01-01T00:00:00Z');
    const probes: number[] = [];
    for (let ms = from; ms < to; ms += DAY_MS / 4) probes.push(ms);
    for (const t of rules.transitionsBetween(from, to)) probes.push(t - 60_000, t);
    const mismatches = probes.filter((ms) => intlOffset(ms) !== rules.offsetAt(ms));
    expect(mismatches.map((ms) => new Date(ms).toISOString())).toEqual([]);
  });
});
