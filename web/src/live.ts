import { useEffect, useState } from 'preact/hooks';
import { authorizedFetch } from './api';

const FIRST_RETRY_MS = 1000;
const LAST_RETRY_MS = 30_000;

/**
 * Follows a Server-Sent Events endpoint of the API, calling `onEvent` for each event. EventSource
 * cannot send the bearer token, so this reads the stream with fetch. A dropped stream is opened
 * again after 1 s, 2 s, 4 s … up to 30 s; a refused token ends it (the session is over). Returns
 * whether the stream is open now, so a caller can fall back to polling while it is not.
 */
export function useEventStream(path: string, onEvent: () => void): boolean {
  const [open, setOpen] = useState(false);
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
        if (res.status === 401 || res.status === 403) return;
        if (res.ok && res.body) {
          setOpen(true);
          retryMs = FIRST_RETRY_MS;
          await readEvents(res.body, onEvent);
        }
      } catch {
        // A dropped connection: retried below.
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

/** Calls `onEvent` for each event of the stream (blocks end with a blank line) until it ends. */
async function readEvents(body: ReadableStream<Uint8Array>, onEvent: () => void): Promise<void> {
  const reader = body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buffer += value;
    let end: number;
    while ((end = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      if (block.split('\n').some((line) => line.startsWith('data:'))) onEvent();
    }
  }
}
