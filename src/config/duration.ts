const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * `90m`, `24h`, `3600s`, `2d` or plain seconds (`3600`) as seconds; null when it is none of
 * these. Deliberately narrower than jsonwebtoken's `ms` syntax (no `1.5h`, no `2 weeks`).
 */
export function parseDurationSeconds(raw: string): number | null {
  const match = /^(\d{1,9})([smhd]?)$/.exec(raw.trim());
  if (!match) return null;
  return Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
}
