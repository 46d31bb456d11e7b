import { useEffect, useRef, useState } from 'preact/hooks';
import { authorizedFetch } from './api';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

/**
 * Follows a Server-Sent Events endpoint of the API, calling `onData` with each event's data.
 * EventSource cannot send the bearer token, so this reads the stream with fetch. A dropped
 * stream is opened again after 1 s, 2 s, 4 s … up to 30 s; a refused token or any other 4xx but
 * 429 ends it (asking again cannot help). `onData` returning true ends it for good: a stream the
 * server closes on purpose (a run that finished) looks to fetch just like a dropped one, so only
 * the caller can tell. Returns whether the stream is open now, so a caller can poll while not.
 */
export function useEventStream(path: string, onData: (data: string) => boolean | void): boolean {
  const [open, setOpen] = useState(false);
  // The latest callback, not the first render's: the stream outlives renders.
  const latest = useRef(onData);
  latest.current = onData;
  useEffect(() => {
    const abort = new AbortController();
    let retryMs = FIRST_RETRY_MS;
    let timer: ReturnType<typeof setTimeout> | undefined;

    const connect = async (): Promise<void> => {
      try {
        const res = await authorizedFetch(path, {
          headers: { Accept: 'text/event-stream' },
          signal: abort.signal,
        });
        if (res.status >= 400 && res.status < 500 && res.status !== 429) return;
        if (res.ok && res.body) {
          setOpen(true);
          retryMs = FIRST_RETRY_MS;
          await readEvents(res.body, (data) => {
            if (latest.current(data)) abort.abort(); // ends the read below, and no reconnect
          });
        }
      } catch {
        // A dropped connection, or the abort above: retried below unless aborted.
      }
      setOpen(false);
      if (abort.signal.aborted) return;
      timer = setTimeout(() => void connect(), retryMs);
      retryMs = Math.min(retryMs * 2, LAST_RETRY_MS);
    };

    void connect();
    return () => {
      abort.abort();
      clearTimeout(timer);
    };
  }, [path]);
  return open;
}

/**
 * Calls `onData` with each event's `data:` lines joined by newlines (blocks end with a blank
 * line; events without data, such as comments kept alive, are skipped) until the stream ends.
 */
export async function readEvents(
  body: ReadableStream<Uint8Array>,
  onData: (data: string) => void,
): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value; // the API ends lines with \n only (NestJS's SSE)
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const data = buffer
        .slice(0, end)
        .split('\n')
        .filter((line) => line.startsWith('data:'))
        .map((line) => line.slice(line.startsWith('data: ') ? 6 : 5))
        .join('\n');
      buffer = buffer.slice(end + 2);
      if (data) onData(data);
    }
  }
}
