import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messagesOf, type Schema } from './api';
import { formatIn, relative, viewerZone } from './format';

type ScheduleConfig = Schema<'ScheduleConfigDto'>;
type NextRun = Schema<'NextRunDto'>;

const DEBOUNCE_MS = 300;

/**
 * The next runs of a schedule not saved yet, from POST /preview-schedule as the user types.
 * Each answer carries its request's number; one older than the latest shown is dropped.
 */
export function SchedulePreview({ config }: { config: ScheduleConfig }) {
  const [state, setState] = useState<{ runs?: NextRun[]; errors?: string[]; loading: boolean }>({
    loading: true,
  });
  const [from, setFrom] = useState('');
  const latest = useRef(0);
  const key = JSON.stringify([config, from]);
  useEffect(() => {
    const seq = ++latest.current;
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(async () => {
      const answer = await api.POST('/api/scheduled-reports/preview-schedule', {
        body: {
          schedule_config: config,
          count: 5,
          // From the start of that day in the schedule's zone is close enough: runs *after* it.
          ...(from ? { after: new Date(`${from}T00:00:00Z`).toISOString() } : {}),
        },
      });
      if (seq !== latest.current) return; // a newer request is on its way: this one is stale
      setState(
        answer.data
          ? { runs: answer.data.runs, loading: false }
          : { errors: messagesOf(answer.error), loading: false },
      );
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key]);

  return (
    <section class="preview" aria-labelledby="preview-title" aria-busy={state.loading}>
      <h3 id="preview-title">Next runs</h3>
      <div class="field">
        <label for="preview-from">Show runs from (optional, e.g. around a clock change)</label>
        <input
          id="preview-from"
          type="date"
          value={from}
          onInput={(e) => setFrom(e.currentTarget.value)}
        />
      </div>
      <div aria-live="polite">
        {state.errors && (
          <ul class="error" data-testid="preview-errors">
            {state.errors.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {state.runs && state.runs.length === 0 && (
          <p class="warning">This schedule never runs: no date matches it.</p>
        )}
        {state.runs && state.runs.length > 0 && (
          <ol class="runs">
            {state.runs.map((run) => (
              <li key={run.at}>
                <strong>{formatIn(run.at, config.timezone)}</strong>{' '}
                <span class="hint">
                  ({relative(run.at)}
                  {config.timezone !== viewerZone && `; yours: ${formatIn(run.at, viewerZone)}`},
                  UTC
                  {run.utc_offset})
                </span>
                {run.note && <div class="note">Note: {run.note}</div>}
              </li>
            ))}
          </ol>
        )}
      </div>
    </section>
  );
}
