import { useState } from 'preact/hooks';
import { api, messagesOf } from './api';
import { must, useLoad } from './data';
import { Errors } from './errors';
import { formatIn, viewerZone } from './format';

const NUMBER_SETTINGS = [
  ['max_active_schedules', 'Active schedules at most'],
  ['max_recipients', 'Recipients per schedule at most'],
  ['run_now_per_hour', 'Manual runs per member per hour'],
  ['retention_days', 'Keep files for (days)'],
  ['history_days', 'Keep run history for (days)'],
  ['audit_retention_days', 'Keep audit entries for (days)'],
  ['attachment_limit_bytes', 'Attach files up to (bytes); larger ones go as a link'],
  ['link_ttl_hours', 'Download links valid for (hours)'],
  ['email_budget_per_day', 'Report emails per day'],
] as const;

type Settings = Record<string, unknown>;

function SettingsForm() {
  const settings = useLoad(async () => must(await api.GET('/api/admin/settings')) as Settings);
  const [edits, setEdits] = useState<Settings>({});
  const [message, setMessage] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  if (!settings.value) return <p>{settings.error ?? 'Loading…'}</p>;
  const value = { ...settings.value, ...edits };
  return (
    <form
      onSubmit={async (e) => {
        e.preventDefault();
        const answer = await api.PUT('/api/admin/settings', { body: edits as never });
        if (answer.error) return setErrors(messagesOf(answer.error));
        setErrors([]);
        setEdits({});
        setMessage('Settings saved.');
        settings.reload();
      }}
    >
      <div class="grid">
        {NUMBER_SETTINGS.map(([key, text]) => (
          <div class="field" key={key}>
            <label for={`setting-${key}`}>{text}</label>
            <input
              id={`setting-${key}`}
              type="number"
              min={0}
              value={String(value[key] ?? '')}
              onInput={(e) => setEdits({ ...edits, [key]: Number(e.currentTarget.value) })}
            />
          </div>
        ))}
        <div class="field">
          <label for="setting-domains">Allowed email domains (comma-separated)</label>
          <input
            id="setting-domains"
            value={((value.allowed_email_domains as string[]) ?? []).join(', ')}
            onInput={(e) =>
              setEdits({
                ...edits,
                allowed_email_domains: e.currentTarget.value
                  .split(',')
                  .map((d) => d.trim())
                  .filter(Boolean),
              })
            }
          />
        </div>
        <div class="field">
          <label for="setting-brand">Brand name in emails</label>
          <input
            id="setting-brand"
            value={String(value.brand_name ?? '')}
            onInput={(e) => setEdits({ ...edits, brand_name: e.currentTarget.value || null })}
          />
        </div>
      </div>
      <Errors messages={errors} />
      <button type="submit" disabled={!Object.keys(edits).length}>
        Save settings
      </button>
      <p role="status">{message}</p>
    </form>
  );
}

function Integrations() {
  const slack = useLoad(async () => must(await api.GET('/api/admin/integrations/slack')));
  const [token, setToken] = useState('');
  const [secret, setSecret] = useState<{
    secret: string;
    previous_secret_expires_at?: string | null;
  } | null>(null);
  const [message, setMessage] = useState('');
  const s = slack.value as { configured?: boolean; token_hint?: string | null } | undefined;
  return (
    <>
      <h3>Slack</h3>
      <p>
        {s?.configured
          ? `Connected; the token is stored encrypted (${s.token_hint ?? 'hint unavailable'}).`
          : 'Not connected: Slack deliveries fail until a bot token is set.'}
      </p>
      <form
        class="inline"
        onSubmit={async (e) => {
          e.preventDefault();
          const answer = await api.PUT('/api/admin/integrations/slack', {
            body: { bot_token: token },
          });
          setMessage(answer.error ? messagesOf(answer.error).join(' ') : 'Slack token saved.');
          setToken('');
          slack.reload();
        }}
      >
        <label for="slack-token">Bot token</label>
        <input
          id="slack-token"
          type="password"
          autoComplete="off"
          placeholder="xoxb-…"
          value={token}
          onInput={(e) => setToken(e.currentTarget.value)}
        />
        <button type="submit" disabled={!token}>
          Save token
        </button>
      </form>
      <h3>Webhook signing secret</h3>
      <p>Receivers check the signature of each webhook with this secret.</p>
      <button
        type="button"
        onClick={async () => {
          if (!confirm('Rotate the webhook secret? The previous one keeps working for a while.'))
            return;
          const answer = await api.POST('/api/admin/webhook-secret');
          if (answer.data) setSecret(answer.data as typeof secret);
          else setMessage(messagesOf(answer.error).join(' '));
        }}
      >
        Rotate the secret
      </button>
      {secret && (
        <div class="field">
          <label for="new-secret">
            New secret (shown only now
            {secret.previous_secret_expires_at
              ? `; the previous one works until ${formatIn(secret.previous_secret_expires_at, viewerZone)}`
              : ''}
            )
          </label>
          <input
            id="new-secret"
            readOnly
            value={secret.secret}
            onFocus={(e) => e.currentTarget.select()}
          />
        </div>
      )}
      <p role="status">{message}</p>
    </>
  );
}

interface AuditEntry {
  id: string;
  created_at?: string;
  at?: string;
  actor_id?: string | null;
  actor?: string | null;
  action: string;
  resource_type?: string;
  resource_id?: string | null;
}

function AuditLog() {
  const [filters, setFilters] = useState({ actor: '', action: '', from: '', to: '' });
  const [applied, setApplied] = useState(filters);
  const [cursor, setCursor] = useState<string | undefined>(undefined);
  const page = useLoad(async () => {
    const query: Record<string, string | number> = { limit: 25 };
    for (const [k, v] of Object.entries(applied)) {
      if (v) query[k] = k === 'from' || k === 'to' ? new Date(v).toISOString() : v;
    }
    if (cursor) query.cursor = cursor;
    return must(await api.GET('/api/admin/audit-logs', { params: { query: query as never } })) as {
      data: AuditEntry[];
      next_cursor: string | null;
    };
  }, [JSON.stringify(applied), cursor]);
  return (
    <>
      <form
        class="filters"
        aria-label="Audit filters"
        onSubmit={(e) => {
          e.preventDefault();
          setCursor(undefined);
          setApplied(filters);
          page.reload();
        }}
      >
        {(
          [
            ['actor', 'Actor (user id)', 'text'],
            ['action', 'Action', 'text'],
            ['from', 'From', 'datetime-local'],
            ['to', 'Before', 'datetime-local'],
          ] as const
        ).map(([key, text, type]) => (
          <label key={key}>
            {text}
            <input
              type={type}
              value={filters[key]}
              onInput={(e) => setFilters({ ...filters, [key]: e.currentTarget.value })}
            />
          </label>
        ))}
        <button type="submit">Filter</button>
      </form>
      {page.error && <p class="error">{page.error}</p>}
      {page.value && (
        <div class="table-wrap">
          <table>
            <caption class="sr-only">Audit entries, newest first</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Action</th>
                <th scope="col">Resource</th>
              </tr>
            </thead>
            <tbody>
              {page.value.data.map((entry) => (
                <tr key={entry.id}>
                  <td>{formatIn((entry.created_at ?? entry.at)!, viewerZone)}</td>
                  <td>{entry.actor_id ?? entry.actor ?? 'system'}</td>
                  <th scope="row">{entry.action}</th>
                  <td>
                    {entry.resource_type} {entry.resource_id}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <div class="buttons">
        {cursor && (
          <button type="button" class="secondary" onClick={() => setCursor(undefined)}>
            Newest
          </button>
        )}
        {page.value?.next_cursor && (
          <button
            type="button"
            class="secondary"
            onClick={() => setCursor(page.value!.next_cursor!)}
          >
            Older entries
          </button>
        )}
      </div>
    </>
  );
}

export function Admin() {
  return (
    <main id="main">
      <h1>Administration</h1>
      <section aria-labelledby="settings-title">
        <h2 id="settings-title">Organization settings</h2>
        <SettingsForm />
      </section>
      <section aria-labelledby="integrations-title">
        <h2 id="integrations-title">Integrations</h2>
        <Integrations />
      </section>
      <section aria-labelledby="audit-title">
        <h2 id="audit-title">Audit log</h2>
        <AuditLog />
      </section>
    </main>
  );
}
