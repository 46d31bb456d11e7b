import { newMember, newOrg, scheduleBody, TestMember, tokenFor } from 'test/factories';
import { clientFor } from 'test/utils/http-client';
import { useManualTicks } from 'test/utils/manual-ticks';
import { runReportNow } from 'test/utils/run-report';
import { seedOrgData } from 'test/utils/seed-org';
import { createTestApp, TestApp } from 'test/utils/test-app';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(90_000);

/** The `changed` events one member's stream received so far, with when the server sent each. */
interface Watcher {
  status: Promise<number>;
  events: { at: string }[];
  close: () => void;
}

describe('GET /api/scheduled-reports/events', () => {
  let t: TestApp;
  let base: string;
  let viewer: TestMember;
  let editor: TestMember;
  let outsider: TestMember;
  const open: Watcher[] = [];

  beforeAll(async () => {
    t = await createTestApp({ role: 'all' });
    useManualTicks(t.app);
    await t.app.listen(0, '127.0.0.1');
    base = await t.app.getUrl();
    const orgId = (await newOrg(t.db)).id;
    viewer = newMember(orgId, { roles: ['viewer'] });
    editor = newMember(orgId, { roles: ['editor'] });
    outsider = newMember((await newOrg(t.db)).id, { roles: ['editor'] });
    await seedOrgData({ orgId, invoices: 50, usageEvents: 10, customers: 3 });
  });
  afterEach(() => open.splice(0).forEach((w) => w.close()));
  afterAll(() => t.close());

  /** Reads the stream as the console does: fetch with the bearer token, `data:` lines parsed. */
  function watch(member: TestMember): Watcher {
    const abort = new AbortController();
    const events: { at: string }[] = [];
    const status = fetch(`${base}/api/scheduled-reports/events`, {
      headers: { Authorization: `Bearer ${tokenFor(member)}`, Accept: 'text/event-stream' },
      signal: abort.signal,
    }).then((res) => {
      if (res.ok && res.body) {
        void (async () => {
          let buffer = '';
          for await (const chunk of res.body!.pipeThrough(new TextDecoderStream())) {
            buffer += chunk;
            let end: number;
            while ((end = buffer.indexOf('\n\n')) >= 0) {
              const block = buffer.slice(0, end);
              buffer = buffer.slice(end + 2);
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (/^event: changed$/m.test(block) && data) events.push(JSON.parse(data));
            }
          }
        })().catch(() => undefined);
      }
      return res.status;
    });
    const watcher = { status, events, close: () => abort.abort() };
    open.push(watcher);
    return watcher;
  }

  const settle = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  it('opens with an event, then sends one after a pause made by another request', async () => {
    const schedule = (
      await clientFor(t, editor).post('/api/scheduled-reports', scheduleBody()).expect(201)
    ).body;
    const watcher = watch(viewer);
    expect(await watcher.status).toBe(200);
    await waitFor('the opening event', async () => watcher.events.length === 1);
    await settle(2500); // nothing changes: nothing more is sent
    expect(watcher.events).toHaveLength(1);

    await clientFor(t, editor).post(`/api/scheduled-reports/${schedule.id}/pause`).expect(200);
    await waitFor('an event after the pause', async () => watcher.events.length >= 2, 10_000);
  });

  it('sends an event once a run completed', async () => {
    const watcher = watch(viewer);
    await waitFor('the opening event', async () => watcher.events.length === 1);
    const run = await runReportNow(t, editor, { name: 'Watched run' });
    expect(run.status).toBe('completed');
    const completedAt = new Date(run.completed_at).getTime();
    await waitFor(
      'an event sent after the run completed',
      async () => watcher.events.some((e) => new Date(e.at).getTime() >= completedAt),
      10_000,
    );
  });

  it("does not send another organization's changes", async () => {
    // A quiet organization: the run above still has deliveries retrying in the first one.
    const watcher = watch(newMember((await newOrg(t.db)).id, { roles: ['viewer'] }));
    await waitFor('the opening event', async () => watcher.events.length === 1);
    const theirs = clientFor(t, outsider);
    const schedule = (await theirs.post('/api/scheduled-reports', scheduleBody()).expect(201)).body;
    await theirs.post(`/api/scheduled-reports/${schedule.id}/pause`).expect(200);
    await theirs.delete(`/api/scheduled-reports/${schedule.id}`).expect(204);
    await settle(5000); // two polls and more
    expect(watcher.events).toHaveLength(1);
  });

  it('is capped per member: the sixth answers 429 before any stream opens', async () => {
    const member = newMember(viewer.orgId, { roles: ['viewer'] });
    for (let i = 0; i < 5; i += 1) expect(await watch(member).status).toBe(200);
    const refused = await fetch(`${base}/api/scheduled-reports/events`, {
      headers: { Authorization: `Bearer ${tokenFor(member)}` },
    });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as { message: string }).message).toMatch(
      /^event_streams_per_member/,
    );
  });

  it("shares the member's cap with run timelines: one budget for every event stream", async () => {
    const member = newMember(viewer.orgId, { roles: ['viewer'] });
    const run = await runReportNow(t, editor, { name: 'Timeline under the cap' });
    const timeline = () =>
      fetch(`${base}/api/report-executions/${run.id}/events`, {
        headers: { Authorization: `Bearer ${tokenFor(member)}` },
      });
    const lists = [];
    for (let i = 0; i < 5; i += 1) lists.push(watch(member));
    for (const list of lists) expect(await list.status).toBe(200);

    expect((await timeline()).status).toBe(429);
    lists[0].close();
    await waitFor('the closed stream to give its place back', async () => {
      const res = await timeline();
      await res.body?.cancel();
      return res.status === 200;
    });
  });

  it('needs a token', async () => {
    expect((await fetch(`${base}/api/scheduled-reports/events`)).status).toBe(401);
  });
});
