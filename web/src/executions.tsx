import { useEffect, useState } from 'preact/hooks';
import { api, authorizedFetch, messagesOf } from './api';
import { type Execution, loadReportTypes, must, type Schedule, useLoad } from './data';
import { bytes, duration, formatIn, viewerZone } from './format';
import { useEventStream } from './live';
import { linkTo, navigate } from './router';
import { useSession } from './session';
import { StatusBadge } from './status';

export function History({ id }: { id: string }) {
  const session = useSession();
  const schedule = useLoad(
    async () => must(await api.GET('/api/scheduled-reports/{id}', { params: { path: { id } } })),
    [id],
  );
  const runs = useLoad(
    async () =>
      must(
        await api.GET('/api/scheduled-reports/{id}/executions', {
          params: { path: { id }, query: { limit: 50 } },
        }),
      ).data,
    [id],
  );
  const [asOf, setAsOf] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const s = schedule.value;
  const zone = s?.schedule_config.timezone ?? viewerZone;

  async function rerun() {
    const answer = await api.POST('/api/scheduled-reports/{id}/run', {
      params: { path: { id } },
      body: { as_of: new Date(asOf).toISOString() },
    });
    if (answer.data) navigate(`/executions/${answer.data.id}`);
    else setErrors(messagesOf(answer.error));
  }

  return (
    <main id="main">
      <p>
        <a {...linkTo('/')}>← Schedules</a>
      </p>
      <h1>History of “{s?.name ?? '…'}”</h1>
      {(schedule.error || runs.error) && <p class="error">{schedule.error ?? runs.error}</p>}
      {s && session.canEdit(s.created_by) && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void rerun();
          }}
        >
          <label for="as-of">Re-run the last slot at or before (your time, {viewerZone})</label>
          <input
            id="as-of"
            type="datetime-local"
            required
            value={asOf}
            onInput={(e) => setAsOf(e.currentTarget.value)}
          />
          <button type="submit">Re-run that slot</button>
          {errors.length > 0 && (
            <p class="error" role="alert">
              {errors.join(' ')}
            </p>
          )}
        </form>
      )}
      {runs.value && runs.value.length === 0 && <p>No runs yet.</p>}
      {runs.value && runs.value.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Runs, newest first</caption>
            <thead>
              <tr>
                <th scope="col">Slot ({zone})</th>
                <th scope="col">Trigger</th>
                <th scope="col">Status</th>
                <th scope="col">Duration</th>
                <th scope="col">Rows</th>
                <th scope="col">Size</th>
                <th scope="col">Retries</th>
                <th scope="col">Error</th>
              </tr>
            </thead>
            <tbody>
              {runs.value.map((run) => (
                <tr key={run.id}>
                  <th scope="row">
                    <a {...linkTo(`/executions/${run.id}`)}>{formatIn(run.scheduled_for, zone)}</a>
                  </th>
                  <td>{run.trigger}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>{duration(run.execution_time_ms)}</td>
                  <td>
                    {String((run.metadata as { rows_generated?: number }).rows_generated ?? '—')}
                  </td>
                  <td>{bytes(run.file_size)}</td>
                  <td>{run.retry_count}</td>
                  <td>{run.error_message ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}

/** A run's statuses after which nothing changes: its event stream ends there. */
const FINAL = ['completed', 'failed'];

interface TimelineEntry {
  status: string;
  at: string;
}

/**
 * The execution's status events over SSE, one entry per status (a reconnect replays the status
 * the run is in now, so it is not listed twice). The server ends the stream after a final
 * status; only a connection dropped before that is opened again.
 */
function useStatusStream(id: string, onStatus: (status: string) => void): TimelineEntry[] {
  const [entries, setEntries] = useState<TimelineEntry[]>([]);
  useEffect(() => setEntries([]), [id]);
  useEventStream(`/api/report-executions/${id}/events`, (data) => {
    const event = JSON.parse(data) as TimelineEntry;
    setEntries((list) => (list.some((e) => e.status === event.status) ? list : [...list, event]));
    onStatus(event.status);
    return FINAL.includes(event.status);
  });
  return entries;
}

function fileNameOf(res: Response): string {
  const header = res.headers.get('Content-Disposition') ?? '';
  const star = /filename\*=UTF-8''([^;]+)/i.exec(header);
  if (star) return decodeURIComponent(star[1]);
  return /filename="?([^";]+)"?/i.exec(header)?.[1] ?? 'report';
}

function Downloads({ run, schedule }: { run: Execution; schedule?: Schedule }) {
  const session = useSession();
  const types = useLoad(loadReportTypes);
  const [link, setLink] = useState<{ url: string; expires_at: string } | null>(null);
  const [message, setMessage] = useState('');
  const permission = types.value?.find(
    (t) => t.report_type === schedule?.report_type,
  )?.required_permission;
  const reason =
    run.status !== 'completed'
      ? 'The file is ready once the run has completed.'
      : run.file_expired_at
        ? `The file was deleted by retention on ${formatIn(run.file_expired_at, viewerZone)}.`
        : run.file_size === null
          ? 'This run kept no file.'
          : !session.hasPermission(permission)
            ? `Downloading needs the ${permission} permission.`
            : null;

  async function download() {
    const res = await authorizedFetch(`/api/report-executions/${run.id}/download`);
    if (!res.ok) return setMessage(messagesOf(await res.json().catch(() => ({}))).join(' '));
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = fileNameOf(res);
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 60_000);
    setMessage(`Downloaded ${a.download}.`);
  }

  async function copyLink() {
    const answer = await api.POST('/api/report-executions/{id}/download-link', {
      params: { path: { id: run.id } },
    });
    if (!answer.data) return setMessage(messagesOf(answer.error).join(' '));
    setLink(answer.data);
    try {
      await navigator.clipboard.writeText(answer.data.url);
      setMessage('Link copied.');
    } catch {
      setMessage('Copy the link below.');
    }
  }

  return (
    <section aria-labelledby="downloads-title">
      <h2 id="downloads-title">File</h2>
      <div class="buttons">
        <button type="button" onClick={download} disabled={!!reason} aria-describedby="file-reason">
          Download
        </button>
        <button
          type="button"
          class="secondary"
          onClick={copyLink}
          disabled={!!reason}
          aria-describedby="file-reason"
        >
          Copy link
        </button>
      </div>
      {reason && (
        <p class="hint" id="file-reason">
          {reason}
        </p>
      )}
      <p role="status">{message}</p>
      {link && (
        <div class="field">
          <label for="link">Signed link, valid until {formatIn(link.expires_at, viewerZone)}</label>
          <input id="link" readOnly value={link.url} onFocus={(e) => e.currentTarget.select()} />
        </div>
      )}
    </section>
  );
}

/** What the console reads of a run's metadata (the API types it as an open object). */
interface RunMetadata {
  rows_generated?: number;
  as_of?: string;
  filters_applied?: { date_range?: { from?: string; to?: string } };
}

/** The dates the report covered, as recorded at generation; a re-run's shows it hit the right one. */
function periodOf(metadata: RunMetadata): string | null {
  const range = metadata.filters_applied?.date_range;
  if (!range?.from || !range.to) return null;
  return range.from === range.to ? range.from : `${range.from} to ${range.to}`;
}

const DELIVERY_POLL_MS = 1500;

export function ExecutionDetail({ id }: { id: string }) {
  const session = useSession();
  const run = useLoad(
    async () => must(await api.GET('/api/report-executions/{id}', { params: { path: { id } } })),
    [id],
  );
  const scheduleId = run.value?.scheduled_report_id;
  const schedule = useLoad(
    async () =>
      scheduleId
        ? must(
            await api.GET('/api/scheduled-reports/{id}', { params: { path: { id: scheduleId } } }),
          )
        : undefined,
    [scheduleId],
  );
  const timeline = useStatusStream(id, (status) => FINAL.includes(status) && run.reload());
  const [message, setMessage] = useState('');
  const r = run.value;
  const metadata = (r?.metadata ?? {}) as RunMetadata;
  const period = periodOf(metadata);
  const zone = schedule.value?.schedule_config.timezone ?? viewerZone;
  const editable = schedule.value ? session.canEdit(schedule.value.created_by) : false;
  const deliveries = (r as { deliveries?: Delivery[] } | undefined)?.deliveries ?? [];

  // Deliveries go out after the file is ready: follow them until none is pending.
  const waiting =
    r?.status === 'completed' &&
    (deliveries.length === 0 || deliveries.some((d) => d.status === 'pending'));
  useEffect(() => {
    if (!waiting) return;
    const timer = setTimeout(run.reload, DELIVERY_POLL_MS);
    return () => clearTimeout(timer);
  }, [waiting, r]);

  async function resend(call: Promise<{ error?: unknown }>, label: string) {
    const answer = await call;
    setMessage(
      answer.error ? `${label}: ${messagesOf(answer.error).join(' ')}` : `${label}: queued.`,
    );
    run.reload();
  }

  return (
    <main id="main">
      <p>
        {scheduleId ? (
          <a {...linkTo(`/schedules/${scheduleId}/history`)}>← History</a>
        ) : (
          <a {...linkTo('/')}>← Schedules</a>
        )}
      </p>
      <h1>Run of “{schedule.value?.name ?? '…'}”</h1>
      {run.error && <p class="error">{run.error}</p>}
      {r && (
        <>
          <dl class="review">
            <dt>Status</dt>
            <dd>
              <StatusBadge status={r.status} />
            </dd>
            <dt>Slot</dt>
            <dd>{formatIn(r.scheduled_for, zone)}</dd>
            <dt>Trigger</dt>
            <dd>
              {r.trigger}
              {metadata.as_of &&
                `, re-run of the last slot at or before ${formatIn(metadata.as_of, zone)}`}
            </dd>
            {period && (
              <>
                <dt>Period</dt>
                <dd>{period}</dd>
              </>
            )}
            <dt>Duration</dt>
            <dd>{duration(r.execution_time_ms)}</dd>
            <dt>Rows</dt>
            <dd>{String(metadata.rows_generated ?? '—')}</dd>
            <dt>Size</dt>
            <dd>{bytes(r.file_size)}</dd>
            {r.error_message && (
              <>
                <dt>Error</dt>
                <dd>{r.error_message}</dd>
              </>
            )}
          </dl>
          <section aria-labelledby="timeline-title">
            <h2 id="timeline-title">Timeline</h2>
            <ol class="timeline" aria-live="polite" data-testid="timeline">
              {timeline.map((e) => (
                <li key={e.status}>
                  <StatusBadge status={e.status} /> {formatIn(e.at, viewerZone)}
                </li>
              ))}
            </ol>
          </section>
          <Downloads run={r} schedule={schedule.value} />
          <section aria-labelledby="deliveries-title">
            <h2 id="deliveries-title">Deliveries</h2>
            <p role="status">{message}</p>
            {deliveries.length === 0 ? (
              <p>No deliveries yet.</p>
            ) : (
              <div class="table-wrap">
                <table>
                  <caption class="sr-only">Deliveries</caption>
                  <thead>
                    <tr>
                      <th scope="col">Recipient</th>
                      <th scope="col">Status</th>
                      <th scope="col">Attempts</th>
                      <th scope="col">Error</th>
                      {editable && <th scope="col">Action</th>}
                    </tr>
                  </thead>
                  <tbody>
                    {deliveries.map((d) => (
                      <tr key={d.id}>
                        <th scope="row">
                          {d.recipient_type.replace('_', ' ')}: {d.recipient_value}
                        </th>
                        <td>
                          <StatusBadge status={d.status} />
                        </td>
                        <td>{d.attempts}</td>
                        <td>{d.error_message ?? ''}</td>
                        {editable && (
                          <td>
                            {(d.status === 'failed' || d.status === 'bounced') && (
                              <button
                                type="button"
                                onClick={() =>
                                  resend(
                                    api.POST(
                                      '/api/report-executions/{id}/deliveries/{delivery_id}/retry',
                                      {
                                        params: { path: { id, delivery_id: d.id } },
                                      },
                                    ),
                                    `Retry ${d.recipient_value}`,
                                  )
                                }
                              >
                                Retry<span class="sr-only"> {d.recipient_value}</span>
                              </button>
                            )}
                          </td>
                        )}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {editable &&
              deliveries.some((d) => d.status === 'failed' || d.status === 'bounced') && (
                <button
                  type="button"
                  onClick={() =>
                    resend(
                      api.POST('/api/report-executions/{id}/resend-failed', {
                        params: { path: { id } },
                      }),
                      'Resend failed',
                    )
                  }
                >
                  Resend every failed delivery
                </button>
              )}
          </section>
        </>
      )}
    </main>
  );
}

interface Delivery {
  id: string;
  recipient_type: string;
  recipient_value: string;
  status: string;
  attempts: number;
  error_message: string | null;
}
