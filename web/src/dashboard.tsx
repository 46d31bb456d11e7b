import { useEffect, useState } from 'preact/hooks';
import { api, messagesOf } from './api';
import { loadMembers, loadReportTypes, must, type Schedule, useLoad } from './data';
import { formatIn, scheduleInWords, viewerZone } from './format';
import { useEventStream } from './live';
import { linkTo, navigate } from './router';
import { useSession } from './session';
import { StatusBadge } from './status';

/** Last run failed, or a delivery of it failed, or paused (by someone, or by the service). */
function needsAttention(s: Schedule): boolean {
  const last = s.last_execution;
  return last?.status === 'failed' || (last?.failed_deliveries ?? 0) > 0 || s.status === 'paused';
}

/** One request: each schedule comes with its last run and that run's failed deliveries. */
async function loadRows(): Promise<Schedule[]> {
  return must(await api.GET('/api/scheduled-reports', { params: { query: { limit: 100 } } })).data;
}

// Only while the event stream is down: the rows then refresh this often instead.
const FALLBACK_MS = 60_000;

export function Dashboard() {
  const session = useSession();
  const rows = useLoad(loadRows);
  const types = useLoad(loadReportTypes);
  const members = useLoad(loadMembers);
  const [filter, setFilter] = useState({
    status: '',
    type: '',
    owner: '',
    attention: false,
    q: '',
  });
  const [notice, setNotice] = useState<string | null>(null);

  // Rows update live: the API says when the organization's schedules or runs changed.
  const live = useEventStream('/api/scheduled-reports/events', rows.reload);
  useEffect(() => {
    if (live) return;
    const timer = setInterval(
      () => document.visibilityState === 'visible' && rows.reload(),
      FALLBACK_MS,
    );
    return () => clearInterval(timer);
  }, [live]);

  const typeName = (t: string) => types.value?.find((x) => x.report_type === t)?.name ?? t;
  const ownerName = (sub: string) => {
    const m = members.value?.find((x) => x.user_id === sub);
    return sub === session.claims.sub ? 'you' : (m?.name ?? m?.email ?? sub);
  };
  const shown = (rows.value ?? []).filter(
    (row) =>
      (!filter.status || row.status === filter.status) &&
      (!filter.type || row.report_type === filter.type) &&
      (!filter.owner || row.created_by === filter.owner) &&
      (!filter.attention || needsAttention(row)) &&
      (!filter.q || row.name.toLowerCase().includes(filter.q.toLowerCase())),
  );

  async function act(label: string, call: () => Promise<{ error?: unknown }>) {
    const answer = await call();
    setNotice(answer.error ? `${label}: ${messagesOf(answer.error).join(' ')}` : `${label}: done.`);
    rows.reload();
  }

  async function runNow(s: Schedule) {
    const answer = await api.POST('/api/scheduled-reports/{id}/run', {
      params: { path: { id: s.id } },
      body: {},
    });
    if (answer.data) navigate(`/executions/${answer.data.id}`);
    else setNotice(`Run now: ${messagesOf(answer.error).join(' ')}`);
  }

  return (
    <main id="main">
      <div class="title">
        <h1>Scheduled reports</h1>
        {session.canCreate && (
          <a class="button" {...linkTo('/schedules/new')}>
            New report
          </a>
        )}
      </div>
      <form class="filters" aria-label="Filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          Search
          <input
            type="search"
            value={filter.q}
            onInput={(e) => setFilter({ ...filter, q: e.currentTarget.value })}
          />
        </label>
        <label>
          Status
          <select
            value={filter.status}
            onChange={(e) => setFilter({ ...filter, status: e.currentTarget.value })}
          >
            <option value="">any</option>
            <option value="active">active</option>
            <option value="paused">paused</option>
          </select>
        </label>
        <label>
          Type
          <select
            value={filter.type}
            onChange={(e) => setFilter({ ...filter, type: e.currentTarget.value })}
          >
            <option value="">any</option>
            {types.value?.map((t) => (
              <option key={t.report_type} value={t.report_type}>
                {t.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Owner
          <select
            value={filter.owner}
            onChange={(e) => setFilter({ ...filter, owner: e.currentTarget.value })}
          >
            <option value="">anyone</option>
            {members.value?.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name ?? m.email ?? m.user_id}
              </option>
            ))}
          </select>
        </label>
        <label class="check">
          <input
            type="checkbox"
            checked={filter.attention}
            onChange={(e) => setFilter({ ...filter, attention: e.currentTarget.checked })}
          />
          Needs attention (failing, deliveries failing, or paused)
        </label>
      </form>
      <p role="status" class="notice">
        {notice}
      </p>
      {rows.error && <p class="error">Could not load the schedules: {rows.error}</p>}
      {!rows.value && !rows.error && <p>Loading…</p>}
      {rows.value && shown.length === 0 && (
        <p>
          No schedules{rows.value.length ? ' match these filters' : ' yet'}.
          {session.canCreate && !rows.value.length && (
            <>
              {' '}
              <a {...linkTo('/schedules/new')}>Create the first report</a>.
            </>
          )}
        </p>
      )}
      {shown.length > 0 && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Schedules</caption>
            <thead>
              <tr>
                <th scope="col">Last run</th>
                <th scope="col">Name</th>
                <th scope="col">Schedule</th>
                <th scope="col">Next run</th>
                <th scope="col">Recipients</th>
                <th scope="col">Owner</th>
                <th scope="col">Active</th>
                <th scope="col">Actions</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((s) => {
                const failedDeliveries = s.last_execution?.failed_deliveries ?? 0;
                const editable = session.canEdit(s.created_by);
                const zone = s.schedule_config.timezone;
                const byType = s.recipients.reduce<Record<string, number>>(
                  (acc, r) => ({ ...acc, [r.type]: (acc[r.type] ?? 0) + 1 }),
                  {},
                );
                return (
                  <tr key={s.id}>
                    <td>
                      <StatusBadge status={s.last_execution?.status ?? 'never'} />
                      {failedDeliveries > 0 && (
                        <div class="error">
                          {failedDeliveries} {failedDeliveries === 1 ? 'delivery' : 'deliveries'}{' '}
                          failed
                        </div>
                      )}
                    </td>
                    <th scope="row">
                      {s.name}
                      <div class="hint">{typeName(s.report_type)}</div>
                    </th>
                    <td>
                      {scheduleInWords(s.schedule_config)}
                      <div class="hint">{zone}</div>
                    </td>
                    <td>
                      {s.next_run_at ? (
                        <>
                          {formatIn(s.next_run_at, zone)}
                          {zone !== viewerZone && (
                            <div class="hint">yours: {formatIn(s.next_run_at, viewerZone)}</div>
                          )}
                        </>
                      ) : (
                        '—'
                      )}
                    </td>
                    <td>
                      {Object.entries(byType)
                        .map(([type, n]) => `${n} ${type.replace('_', ' ')}`)
                        .join(', ')}
                    </td>
                    <td>{ownerName(s.created_by)}</td>
                    <td>
                      {editable ? (
                        <label class="check">
                          <input
                            type="checkbox"
                            role="switch"
                            checked={s.status === 'active'}
                            onChange={() =>
                              act(
                                s.status === 'active' ? `Paused ${s.name}` : `Resumed ${s.name}`,
                                () =>
                                  s.status === 'active'
                                    ? api.POST('/api/scheduled-reports/{id}/pause', {
                                        params: { path: { id: s.id } },
                                      })
                                    : api.POST('/api/scheduled-reports/{id}/resume', {
                                        params: { path: { id: s.id } },
                                      }),
                              )
                            }
                          />
                          <span class="sr-only">{s.name} </span>
                          {s.status}
                        </label>
                      ) : (
                        s.status
                      )}
                      {s.paused_by === 'system' && (
                        <div class="hint">
                          paused by the service
                          {s.paused_reason ? `: ${s.paused_reason}` : ''}
                        </div>
                      )}
                    </td>
                    <td>
                      <div class="actions">
                        <a {...linkTo(`/schedules/${s.id}/history`)}>
                          History<span class="sr-only"> of {s.name}</span>
                        </a>
                        {editable && (
                          <>
                            <button type="button" onClick={() => runNow(s)}>
                              Run now<span class="sr-only"> {s.name}</span>
                            </button>
                            <a {...linkTo(`/schedules/${s.id}/edit`)}>
                              Edit<span class="sr-only"> {s.name}</span>
                            </a>
                            <button
                              type="button"
                              class="danger"
                              onClick={() =>
                                confirm(
                                  `Delete "${s.name}"? Its history stays readable to admins.`,
                                ) &&
                                act(`Deleted ${s.name}`, () =>
                                  api.DELETE('/api/scheduled-reports/{id}', {
                                    params: { path: { id: s.id } },
                                  }),
                                )
                              }
                            >
                              Delete<span class="sr-only"> {s.name}</span>
                            </button>
                          </>
                        )}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </main>
  );
}
