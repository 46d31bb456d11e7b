import { useEffect, useState } from 'preact/hooks';
import { api, type Schema } from './api';

export type Schedule = Schema<'ScheduledReportDto'>;
export type Execution = Schema<'ReportExecutionDto'>;
export type ReportType = Schema<'ReportTypeDto'>;
export type Member = Schema<'MemberDto'>;

/** Loads once per `key`; `reload` fetches again. */
export function useLoad<T>(load: () => Promise<T>, key: unknown[] = []) {
  const [value, setValue] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    load().then(
      (v) => live && (setValue(v), setError(null)),
      (e: Error) => live && setError(e.message),
    );
    return () => {
      live = false;
    };
  }, [...key, tick]);
  return { value, error, reload: () => setTick((n) => n + 1) };
}

/** The data of an API answer, or an Error with the API's message. */
export function must<T>(answer: { data?: T; error?: unknown }): T {
  if (answer.error !== undefined || answer.data === undefined) {
    const message = (answer.error as { message?: string | string[] } | undefined)?.message;
    throw new Error(Array.isArray(message) ? message.join('; ') : (message ?? 'Request failed'));
  }
  return answer.data;
}

export const loadReportTypes = async (): Promise<ReportType[]> =>
  must(await api.GET('/api/report-types'));

export const loadMembers = async (): Promise<Member[]> =>
  must(await api.GET('/api/members', { params: { query: { limit: 100 } } })).data;
