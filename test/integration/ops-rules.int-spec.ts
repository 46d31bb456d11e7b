import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const OPS = path.join(__dirname, '../../ops');
const ALERTS = path.join(OPS, 'prometheus/alerts.yml');
const DASHBOARD = path.join(OPS, 'grafana/scheduled-reports.json');

interface Panel {
  id: number;
  title: string;
  datasource: { uid: string };
  targets: { expr: string; refId: string }[];
}

/** promtool (Debian's prometheus package) is the validator Prometheus itself uses. */
function promtool(args: string[], cwd: string): string {
  try {
    return execFileSync('promtool', args, { cwd, encoding: 'utf8', stdio: 'pipe' });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

describe('operations: alert rules and dashboard', () => {
  it('the alert rules parse and their unit tests pass (fire above, quiet below each threshold)', () => {
    expect(promtool(['check', 'rules', 'alerts.yml'], path.dirname(ALERTS))).toMatch(
      /SUCCESS: 7 rules found/,
    );
    expect(promtool(['test', 'rules', 'alerts.test.yml'], path.dirname(ALERTS))).toMatch(/SUCCESS/);
  });

  it('every dashboard query is valid PromQL, on the Prometheus data source input', () => {
    const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as { panels: Panel[] };
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    const exprs = dashboard.panels.flatMap((panel) => {
      expect(panel.datasource.uid).toBe('${DS_PROMETHEUS}');
      expect(panel.targets.length).toBeGreaterThan(0);
      return panel.targets.map((target) => target.expr);
    });
    // promtool parses expressions only inside rule files: each query becomes a recording rule.
    const dir = mkdtempSync(path.join(tmpdir(), 'dashboard-rules-'));
    try {
      const rules = exprs
        .map(
          (expr, i) =>
            `      - record: dashboard:query_${i}\n        expr: ${JSON.stringify(expr)}`,
        )
        .join('\n');
      writeFileSync(
        path.join(dir, 'rules.yml'),
        `groups:\n  - name: dashboard\n    rules:\n${rules}\n`,
      );
      expect(promtool(['check', 'rules', 'rules.yml'], dir)).toMatch(
        new RegExp(`SUCCESS: ${exprs.length} rules found`),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a broken expression is caught (the check is not a formality)', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'broken-rules-'));
    try {
      writeFileSync(
        path.join(dir, 'rules.yml'),
        'groups:\n  - name: x\n    rules:\n      - record: x:y\n        expr: "max by (queue (up)"\n',
      );
      expect(() => promtool(['check', 'rules', 'rules.yml'], dir)).toThrow(/parse error/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
