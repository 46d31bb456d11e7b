import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messagesOf, type Schema } from './api';
import { formatIn, relative, viewerZone } from './format';

type ScheduleConfig = Schema<'ScheduleConfigDto'>;
type NextRun = Schema<'NextRunDto'>;

const DEBOUNCE_MS = 300;

interface Props {
  config: ScheduleConfig;
  /** The caller's own check already marked fields wrong: the server is not asked. */
  incomplete?: boolean;
  /** The server's messages of the latest answer ([] when it had runs), for the caller to place. */
  onErrors?: (messages: string[]) => void;
  /** Messages the caller shows beside their field, so they are not repeated here. */
  shownElsewhere?: (message: string) => boolean;
}

/**
 * The next runs of a schedule not saved yet, from POST /preview-schedule as the user types.
 * Each answer carries its request's number; one older than the latest shown is dropped.
 */
export function SchedulePreview({
  config,
  incomplete,
  onErrors,
  shownElsewhere = () => false,
}: Props) {
  const [state, setState] = useState<{ runs?: NextRun[]; errors?: string[]; loading: boolean }>({
    loading: true,
  });
  const [from, setFrom] = useState('');
  const latest = useRef(0);
  const key = JSON.stringify([config, from, incomplete]);
  useEffect(() => {
    const seq = ++latest.current; // also makes an answer still on its way stale
    if (incomplete) {
      setState({ loading: false });
      onErrors?.([]);
      return;
    }
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
      const errors = answer.data ? [] : messagesOf(answer.error);
      setState(
        answer.data ? { runs: answer.data.runs, loading: false } : { errors, loading: false },
      );
      onErrors?.(errors);
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [key]);

  const general = (state.errors ?? []).filter((m) => !shownElsewhere(m));
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
        {general.length > 0 && (
          <ul class="error" data-testid="preview-errors">
            {general.map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
        )}
        {(incomplete || general.length < (state.errors?.length ?? 0)) && (
          <p class="hint">The next runs show once the fields marked beside them are fixed.</p>
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
