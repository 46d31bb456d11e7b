import { useEffect, useState } from 'preact/hooks';
import { api, messagesOf, type Schema } from './api';
import { cronFieldError, cronFieldProblems } from './cron-errors';
import { loadMembers, loadReportTypes, must, type ReportType, useLoad } from './data';
import { Errors } from './errors';
import { cronInWords, scheduleInWords, viewerZone, WEEKDAYS } from './format';
import { ParamsForm } from './params-form';
import { SchedulePreview } from './preview';
import { linkTo, navigate } from './router';
import { useSession } from './session';

type ScheduleConfig = Schema<'ScheduleConfigDto'>;
type Recipient = Schema<'RecipientDto'>;
type Body = Schema<'CreateScheduledReportDto'>;

interface ScheduleDraft {
  mode: 'preset' | 'cron';
  cadence: 'daily' | 'weekly' | 'monthly';
  time: string;
  day_of_week: number;
  day_of_month: number;
  cron: string[];
  timezone: string;
  business_days_only: boolean;
  holiday_calendar: string;
}

interface Draft {
  name: string;
  description: string;
  report_type: string;
  report_parameters: Record<string, unknown>;
  schedule: ScheduleDraft;
  recipients: Recipient[];
  output_format: Body['output_format'];
  delivery_options: { skip_if_empty: boolean; only_if_changed: boolean; compress: boolean };
}

const STEPS = [
  'Report type',
  'Parameters',
  'Schedule',
  'Recipients',
  'Format and delivery',
  'Review',
];
const CRON_FIELDS = ['Minute', 'Hour', 'Day of month', 'Month', 'Day of week'];
/** Intl names the zone of a browser set to UTC 'Etc/UTC' or similar; the server says 'UTC'. */
const defaultZone = /^(Etc\/)?(UTC|GMT|UCT|Zulu|Universal)$/.test(viewerZone) ? 'UTC' : viewerZone;

const emptyDraft = (): Draft => ({
  name: '',
  description: '',
  report_type: '',
  report_parameters: {},
  schedule: {
    mode: 'preset',
    cadence: 'weekly',
    time: '09:00',
    day_of_week: 1,
    day_of_month: 1,
    cron: ['0', '9', '*', '*', '1-5'],
    timezone: defaultZone,
    business_days_only: false,
    holiday_calendar: '',
  },
  recipients: [{ type: 'email', value: '' }],
  output_format: 'csv',
  delivery_options: { skip_if_empty: false, only_if_changed: false, compress: false },
});

export function toConfig(s: ScheduleDraft): ScheduleConfig {
  const common = {
    timezone: s.timezone,
    ...(s.business_days_only ? { business_days_only: true } : {}),
    ...(s.business_days_only && s.holiday_calendar ? { holiday_calendar: s.holiday_calendar } : {}),
  };
  if (s.mode === 'cron') return { cadence: 'cron', cron_expression: s.cron.join(' '), ...common };
  return {
    cadence: s.cadence,
    time: s.time,
    ...(s.cadence === 'weekly' ? { day_of_week: s.day_of_week } : {}),
    ...(s.cadence === 'monthly' ? { day_of_month: s.day_of_month } : {}),
    ...common,
  };
}

/** Editing reopens in the mode the schedule was saved in. */
function fromSchedule(s: Schema<'ScheduledReportDto'>): Draft {
  const c = s.schedule_config;
  const base = emptyDraft();
  return {
    name: s.name,
    description: s.description ?? '',
    report_type: s.report_type,
    report_parameters: s.report_parameters,
    schedule: {
      ...base.schedule,
      mode: c.cadence === 'cron' ? 'cron' : 'preset',
      cadence: c.cadence === 'cron' ? 'weekly' : c.cadence,
      time: c.time ?? base.schedule.time,
      day_of_week: c.day_of_week ?? 1,
      day_of_month: c.day_of_month ?? 1,
      cron: c.cron_expression ? c.cron_expression.split(/\s+/) : base.schedule.cron,
      timezone: c.timezone,
      business_days_only: c.business_days_only ?? false,
      holiday_calendar: c.holiday_calendar ?? '',
    },
    recipients: s.recipients,
    output_format: s.output_format,
    delivery_options: { ...base.delivery_options, ...s.delivery_options },
  };
}

function toBody(d: Draft): Body {
  return {
    name: d.name.trim(),
    description: d.description.trim() || null,
    report_type: d.report_type,
    report_parameters: d.report_parameters as Body['report_parameters'],
    schedule_config: toConfig(d.schedule),
    recipients: d.recipients.filter((r) => r.value.trim() !== ''),
    output_format: d.output_format,
    delivery_options: d.delivery_options,
  };
}

/** Which step a server message belongs to, so it shows next to the field. */
function stepOf(message: string): number {
  if (/^recipients/.test(message)) return 3;
  if (/^schedule_config|cron|timezone|holiday/.test(message)) return 2;
  if (/^report_parameters|date_range|parameter/.test(message)) return 1;
  if (/^report_type|permission/.test(message)) return 0;
  if (/^(output_format|delivery_options)/.test(message)) return 4;
  return 5;
}

/** The recipient row a server message is about ("recipients[1]…" or "recipients.1…"), or null. */
function recipientRowOf(message: string): number | null {
  const match = /^recipients(?:\[(\d+)\]|\.(\d+))/.exec(message);
  return match ? Number(match[1] ?? match[2]) : null;
}

export function Wizard({ id }: { id?: string }) {
  const session = useSession();
  const types = useLoad(loadReportTypes);
  const members = useLoad(loadMembers);
  const calendars = useLoad(async () => must(await api.GET('/api/holiday-calendars')));
  const [draft, setDraft] = useState<Draft | null>(id ? null : emptyDraft());
  const [step, setStep] = useState(0);
  const [errors, setErrors] = useState<string[]>([]);
  const [previewErrors, setPreviewErrors] = useState<string[]>([]);
  const [saved, setSaved] = useState<{ id: string; name: string } | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!id) return;
    api
      .GET('/api/scheduled-reports/{id}', { params: { path: { id } } })
      .then((answer) =>
        answer.data ? setDraft(fromSchedule(answer.data)) : setErrors(messagesOf(answer.error)),
      );
  }, [id]);

  if (!draft) {
    return (
      <main id="main">
        <h1>Edit report</h1>
        {errors.length ? <Errors messages={errors} /> : <p>Loading…</p>}
      </main>
    );
  }
  const update = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });
  const updateSchedule = (patch: Partial<ScheduleDraft>) => {
    update({ schedule: { ...draft.schedule, ...patch } });
    // The preview judges the changed schedule at once; the last save's verdict no longer holds.
    setErrors(errors.filter((m) => stepOf(m) !== 2));
  };
  const type: ReportType | undefined = types.value?.find(
    (t) => t.report_type === draft.report_type,
  );
  const stepErrors = (n: number) => errors.filter((m) => stepOf(m) === n);
  const canNext = step !== 0 || !!type;
  const cronProblems = draft.schedule.mode === 'cron' ? cronFieldProblems(draft.schedule.cron) : [];
  const cronIncomplete = cronProblems.some(Boolean);
  /** Per cron input: the browser's own problem, else what the server said about it. */
  const cronFieldMessages = CRON_FIELDS.map((_, i) => {
    const own = cronProblems[i];
    if (own) return [own];
    const server = [...previewErrors, ...stepErrors(2)].map(cronFieldError);
    return [...new Set(server.filter((e) => e?.field === i).map((e) => e!.text))];
  });
  /** Shown beside its own input, so not again atop the step: one alert, where the fix goes. */
  const besideField = (m: string) =>
    (draft.schedule.mode === 'cron' && cronFieldError(m) !== null) ||
    (recipientRowOf(m) ?? Infinity) < draft.recipients.length;
  const problemsAt = (n: number) =>
    stepErrors(n).length + (n === 2 ? cronProblems.filter(Boolean).length : 0);

  async function save() {
    if (cronIncomplete) return setStep(2); // the empty fields are marked there
    setBusy(true);
    const body = toBody(draft!);
    // Empty rows are not sent: drop them, so the server's recipients[i] is the i-th row shown.
    if (body.recipients.length < draft!.recipients.length) {
      setDraft({ ...draft!, recipients: body.recipients });
    }
    const answer = id
      ? await api.PUT('/api/scheduled-reports/{id}', { params: { path: { id } }, body })
      : await api.POST('/api/scheduled-reports', { body });
    setBusy(false);
    if (answer.data) {
      setErrors([]);
      setSaved({ id: answer.data.id, name: answer.data.name });
      return;
    }
    const messages = messagesOf(answer.error);
    setErrors(messages);
    setStep(Math.min(...messages.map(stepOf)));
  }

  async function runNow() {
    const answer = await api.POST('/api/scheduled-reports/{id}/run', {
      params: { path: { id: saved!.id } },
      body: {},
    });
    if (answer.data) navigate(`/executions/${answer.data.id}`);
    else setErrors(messagesOf(answer.error));
  }

  if (saved) {
    return (
      <main id="main">
        <h1>Saved “{saved.name}”</h1>
        <p role="status">The schedule is saved and runs at its next slot.</p>
        <Errors messages={errors} />
        <div class="buttons">
          <button type="button" onClick={runNow}>
            Run now
          </button>
          <a class="button secondary" {...linkTo(`/schedules/${saved.id}/history`)}>
            See its history
          </a>
          <a class="button secondary" {...linkTo('/')}>
            Back to the schedules
          </a>
        </div>
      </main>
    );
  }

  const s = draft.schedule;
  const config = toConfig(s);
  const cronWords = cronInWords(s.cron.join(' '));
  const zones = [defaultZone, 'UTC', ...Intl.supportedValuesOf('timeZone')];

  return (
    <main id="main">
      <h1>{id ? `Edit “${draft.name}”` : 'New report'}</h1>
      <ol class="steps" aria-label="Steps">
        {STEPS.map((title, n) => (
          <li key={title} aria-current={n === step ? 'step' : undefined}>
            <button type="button" class="link" onClick={() => setStep(n)} disabled={n > 0 && !type}>
              {n + 1}. {title}
              {problemsAt(n) > 0 && ' (needs a fix)'}
            </button>
          </li>
        ))}
      </ol>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (step < STEPS.length - 1) setStep(step + 1);
          else void save();
        }}
      >
        <h2>{STEPS[step]}</h2>
        <Errors messages={stepErrors(step).filter((m) => !besideField(m))} id="step-errors" />

        {step === 0 && (
          <fieldset>
            <legend>Which report?</legend>
            {!types.value && <p>Loading the report types…</p>}
            {types.value?.map((t) => {
              const allowed = session.hasPermission(t.required_permission);
              const inputId = `type-${t.report_type}`;
              return (
                <div key={t.report_type} class={`choice${allowed ? '' : ' disabled'}`}>
                  <input
                    type="radio"
                    name="report_type"
                    id={inputId}
                    value={t.report_type}
                    disabled={!allowed}
                    checked={draft.report_type === t.report_type}
                    aria-describedby={`${inputId}-help`}
                    onChange={() =>
                      update({
                        report_type: t.report_type,
                        report_parameters: (t.parameters_example ?? {}) as Record<string, unknown>,
                        output_format: t.output_formats.includes(draft.output_format)
                          ? draft.output_format
                          : (t.output_formats[0] as Body['output_format']),
                      })
                    }
                  />
                  <label for={inputId}>{t.name}</label>
                  <p class="hint" id={`${inputId}-help`}>
                    {t.description}
                    {!allowed &&
                      ` Not available to you: it needs the ${t.required_permission} permission.`}
                  </p>
                </div>
              );
            })}
          </fieldset>
        )}

        {step === 1 && type && (
          <ParamsForm
            schema={type.parameters_schema as Parameters<typeof ParamsForm>[0]['schema']}
            value={draft.report_parameters}
            onChange={(report_parameters) => update({ report_parameters })}
          />
        )}

        {step === 2 && (
          <div class="schedule-step">
            <div>
              <fieldset>
                <legend>How to say when</legend>
                <div class="check">
                  <input
                    type="radio"
                    id="mode-preset"
                    name="mode"
                    checked={s.mode === 'preset'}
                    onChange={() => updateSchedule({ mode: 'preset' })}
                  />
                  <label for="mode-preset">In words</label>
                </div>
                <div class="check">
                  <input
                    type="radio"
                    id="mode-cron"
                    name="mode"
                    checked={s.mode === 'cron'}
                    onChange={() => updateSchedule({ mode: 'cron' })}
                  />
                  <label for="mode-cron">Advanced: cron</label>
                </div>
              </fieldset>
              {s.mode === 'preset' ? (
                <div class="sentence">
                  <label for="cadence">Run</label>
                  <select
                    id="cadence"
                    value={s.cadence}
                    onChange={(e) =>
                      updateSchedule({ cadence: e.currentTarget.value as ScheduleDraft['cadence'] })
                    }
                  >
                    <option value="daily">every day</option>
                    <option value="weekly">every week</option>
                    <option value="monthly">every month</option>
                  </select>
                  {s.cadence === 'weekly' && (
                    <>
                      <label for="day-of-week">on</label>
                      <select
                        id="day-of-week"
                        value={s.day_of_week}
                        onChange={(e) =>
                          updateSchedule({ day_of_week: Number(e.currentTarget.value) })
                        }
                      >
                        {WEEKDAYS.map((d, i) => (
                          <option key={d} value={i + 1}>
                            {d}
                          </option>
                        ))}
                      </select>
                    </>
                  )}
                  {s.cadence === 'monthly' && (
                    <>
                      <label for="day-of-month">on</label>
                      <select
                        id="day-of-month"
                        value={s.day_of_month}
                        onChange={(e) =>
                          updateSchedule({ day_of_month: Number(e.currentTarget.value) })
                        }
                      >
                        {Array.from({ length: 30 }, (_, i) => (
                          <option key={i} value={i + 1}>
                            day {i + 1}
                          </option>
                        ))}
                        <option value={31}>the last day</option>
                      </select>
                    </>
                  )}
                  <label for="time">at</label>
                  <input
                    id="time"
                    type="time"
                    required
                    value={s.time}
                    onInput={(e) => updateSchedule({ time: e.currentTarget.value })}
                  />
                </div>
              ) : (
                <fieldset>
                  <legend>Cron fields (minute hour day-of-month month day-of-week)</legend>
                  <div class="cron">
                    {CRON_FIELDS.map((name, i) => {
                      const messages = cronFieldMessages[i];
                      return (
                        <div key={name} class="field">
                          <label for={`cron-${i}`}>{name}</label>
                          <input
                            id={`cron-${i}`}
                            value={s.cron[i] ?? ''}
                            size={8}
                            aria-invalid={messages.length ? true : undefined}
                            aria-describedby={messages.length ? `cron-errors-${i}` : undefined}
                            onInput={(e) => {
                              const cron = [...s.cron];
                              cron[i] = e.currentTarget.value.trim();
                              updateSchedule({ cron });
                            }}
                          />
                          <Errors messages={messages} id={`cron-errors-${i}`} />
                        </div>
                      );
                    })}
                  </div>
                  <p class="hint" aria-live="polite">
                    {cronWords ??
                      'Not a cron expression cronstrue can read; the fields or the preview say why.'}
                  </p>
                </fieldset>
              )}
              <div class="field">
                <label for="timezone">Time zone</label>
                <input
                  id="timezone"
                  list="zones"
                  value={s.timezone}
                  aria-describedby="timezone-help"
                  onInput={(e) => updateSchedule({ timezone: e.currentTarget.value.trim() })}
                />
                <datalist id="zones">
                  {[...new Set(zones)].map((z) => (
                    <option key={z} value={z} />
                  ))}
                </datalist>
                <p class="hint" id="timezone-help">
                  An IANA name such as America/New_York; yours is {viewerZone}.
                </p>
              </div>
              <div class="field check">
                <input
                  id="business-days"
                  type="checkbox"
                  checked={s.business_days_only}
                  onChange={(e) => updateSchedule({ business_days_only: e.currentTarget.checked })}
                />
                <label for="business-days">Business days only (Monday to Friday)</label>
              </div>
              {s.business_days_only && (
                <div class="field">
                  <label for="holidays">Also skip the public holidays of</label>
                  <select
                    id="holidays"
                    value={s.holiday_calendar}
                    onChange={(e) => updateSchedule({ holiday_calendar: e.currentTarget.value })}
                  >
                    <option value="">no calendar (weekends only)</option>
                    {calendars.value?.map((c) => (
                      <option key={c.code} value={c.code}>
                        {c.name} ({c.code})
                      </option>
                    ))}
                  </select>
                </div>
              )}
              <p>
                <strong>{scheduleInWords(config)}</strong>, {s.timezone} time.
              </p>
            </div>
            <SchedulePreview
              config={config}
              incomplete={cronIncomplete}
              onErrors={setPreviewErrors}
              shownElsewhere={(m) => s.mode === 'cron' && cronFieldError(m) !== null}
            />
          </div>
        )}

        {step === 3 && (
          <fieldset>
            <legend>Who receives it</legend>
            {draft.recipients.map((r, i) => {
              const rowErrors = errors.filter((m) => recipientRowOf(m) === i);
              const setRow = (patch: Partial<Recipient>) =>
                update({
                  recipients: draft.recipients.map((x, j) => (j === i ? { ...x, ...patch } : x)),
                });
              return (
                <div class="recipient" key={i}>
                  <div class="field">
                    <label for={`recipient-type-${i}`}>Recipient {i + 1}</label>
                    <select
                      id={`recipient-type-${i}`}
                      value={r.type}
                      onChange={(e) =>
                        setRow({ type: e.currentTarget.value as Recipient['type'], value: '' })
                      }
                    >
                      <option value="email">Email address</option>
                      <option value="user_id">Member</option>
                      <option value="slack_channel">Slack channel</option>
                      <option value="webhook">Webhook</option>
                    </select>
                  </div>
                  <div class="field grow">
                    <label for={`recipient-value-${i}`}>
                      {
                        {
                          email: 'Address',
                          user_id: 'Member',
                          slack_channel: 'Channel',
                          webhook: 'HTTPS URL',
                        }[r.type]
                      }
                    </label>
                    {r.type === 'user_id' ? (
                      <select
                        id={`recipient-value-${i}`}
                        value={r.value}
                        aria-invalid={rowErrors.length ? true : undefined}
                        aria-describedby={rowErrors.length ? `recipient-errors-${i}` : undefined}
                        onChange={(e) => setRow({ value: e.currentTarget.value })}
                      >
                        <option value="">choose a member…</option>
                        {members.value?.map((m) => (
                          <option key={m.user_id} value={m.user_id}>
                            {m.name ?? m.user_id} {m.email ? `<${m.email}>` : ''}
                          </option>
                        ))}
                      </select>
                    ) : (
                      <input
                        id={`recipient-value-${i}`}
                        type={r.type === 'email' ? 'email' : r.type === 'webhook' ? 'url' : 'text'}
                        placeholder={
                          {
                            email: 'finance@example.com',
                            slack_channel: '#finance',
                            webhook: 'https://',
                          }[r.type as 'email']
                        }
                        value={r.value}
                        aria-invalid={rowErrors.length ? true : undefined}
                        aria-describedby={rowErrors.length ? `recipient-errors-${i}` : undefined}
                        onInput={(e) => setRow({ value: e.currentTarget.value })}
                      />
                    )}
                    <Errors messages={rowErrors} id={`recipient-errors-${i}`} />
                  </div>
                  <button
                    type="button"
                    class="secondary"
                    onClick={() =>
                      update({ recipients: draft.recipients.filter((_, j) => j !== i) })
                    }
                  >
                    Remove<span class="sr-only"> recipient {i + 1}</span>
                  </button>
                </div>
              );
            })}
            <button
              type="button"
              class="secondary"
              onClick={() =>
                update({ recipients: [...draft.recipients, { type: 'email', value: '' }] })
              }
            >
              Add a recipient
            </button>
          </fieldset>
        )}

        {step === 4 && (
          <>
            <fieldset>
              <legend>File format</legend>
              {(type?.output_formats ?? ['csv']).map((f) => (
                <div class="check" key={f}>
                  <input
                    type="radio"
                    id={`format-${f}`}
                    name="format"
                    checked={draft.output_format === f}
                    onChange={() => update({ output_format: f as Body['output_format'] })}
                  />
                  <label for={`format-${f}`}>{f.toUpperCase()}</label>
                </div>
              ))}
            </fieldset>
            <fieldset>
              <legend>Delivery</legend>
              {(
                [
                  ['skip_if_empty', 'Send nothing when the report has no rows'],
                  ['only_if_changed', 'Send only when the content changed since the last delivery'],
                  ['compress', 'Compress the file (gzip)'],
                ] as const
              ).map(([key, text]) => (
                <div class="check" key={key}>
                  <input
                    type="checkbox"
                    id={`option-${key}`}
                    checked={draft.delivery_options[key]}
                    onChange={(e) =>
                      update({
                        delivery_options: {
                          ...draft.delivery_options,
                          [key]: e.currentTarget.checked,
                        },
                      })
                    }
                  />
                  <label for={`option-${key}`}>{text}</label>
                </div>
              ))}
            </fieldset>
          </>
        )}

        {step === 5 && (
          <>
            <div class="field">
              <label for="name">Name</label>
              <input
                id="name"
                required
                maxLength={200}
                value={draft.name}
                onInput={(e) => update({ name: e.currentTarget.value })}
              />
            </div>
            <div class="field">
              <label for="description">Description (optional)</label>
              <textarea
                id="description"
                rows={2}
                value={draft.description}
                onInput={(e) => update({ description: e.currentTarget.value })}
              />
            </div>
            <dl class="review">
              <dt>Report</dt>
              <dd>{type?.name}</dd>
              <dt>Parameters</dt>
              <dd>
                <code>{JSON.stringify(draft.report_parameters)}</code>
              </dd>
              <dt>Schedule</dt>
              <dd>
                {scheduleInWords(config)} ({s.timezone})
              </dd>
              <dt>Recipients</dt>
              <dd>
                {toBody(draft)
                  .recipients.map((r) => `${r.type.replace('_', ' ')}: ${r.value}`)
                  .join('; ') || 'none'}
              </dd>
              <dt>Format</dt>
              <dd>
                {draft.output_format.toUpperCase()}
                {Object.entries(draft.delivery_options)
                  .filter(([, on]) => on)
                  .map(([k]) => `, ${k.replace(/_/g, ' ')}`)
                  .join('')}
              </dd>
            </dl>
          </>
        )}

        <div class="buttons">
          {step > 0 && (
            <button type="button" class="secondary" onClick={() => setStep(step - 1)}>
              Back
            </button>
          )}
          {step < STEPS.length - 1 ? (
            <button type="submit" disabled={!canNext}>
              Next
            </button>
          ) : (
            <button type="submit" disabled={busy}>
              {id ? 'Save changes' : 'Create the report'}
            </button>
          )}
          <a {...linkTo('/')}>Cancel</a>
        </div>
      </form>
    </main>
  );
}
