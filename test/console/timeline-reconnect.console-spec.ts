import type { Server } from 'node:http';
import type { TestMember } from 'test/factories';
import { consoleFixture } from 'test/utils/console-browser';
import { waitFor } from 'test/utils/wait-for';

jest.setTimeout(90_000);

// The API alone: no worker takes the run, so it stays pending until the test ends it.
describe('console: the run timeline survives a dropped connection', () => {
  const c = consoleFixture();
  let editor: TestMember;

  beforeAll(() => {
    editor = c.member({ roles: ['editor'] });
  });

  it('reopens the event stream after a drop, goes on to the final status, then stops', async () => {
    const scheduleId = await c.createSchedule(editor, { name: 'Waits for a worker' });
    const run = (await c.as(editor).post(`/api/scheduled-reports/${scheduleId}/run`).expect(202))
      .body as { id: string; status: string };
    expect(run.status).toBe('pending');

    const page = await c.signedIn(editor);
    const streams: number[] = [];
    page.on(
      'request',
      (r) => r.url().endsWith(`/report-executions/${run.id}/events`) && streams.push(Date.now()),
    );
    await page.goto(`${c.base}/app/executions/${run.id}`);
    const timeline = page.getByTestId('timeline');
    await timeline.getByText('pending').waitFor();
    expect(streams).toHaveLength(1);

    // Every open connection dropped at once, as a restarting proxy or API process would.
    (c.t.app.getHttpServer() as Server).closeAllConnections();
    await waitFor('the stream to be opened again', async () => streams.length === 2, 15_000);

    await c.t.db.query(
      `UPDATE report_executions
          SET status = 'failed', error_message = 'ended by the test', completed_at = now(),
              updated_at = now()
        WHERE id = $1`,
      [run.id],
    );
    // The reopened stream reads the row again within its 5 s poll.
    await timeline.getByText('failed').waitFor({ timeout: 20_000 });
    expect(await timeline.getByText('pending').count()).toBe(1);

    // A final status ends the stream for good: no third connection after the 1 s retry delay.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(streams).toHaveLength(2);
  });
});
