// Data for a view, fetched through the QueryClient. A cached answer is returned in the same
// render (no blank frame when going back to a panel); while a new answer is on its way the
// previous one of the same shape stays on screen, marked stale, so a refresh never flickers.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { QueryClient } from '../data/client.js';
import type { Query, QueryResult } from '../data/types.js';

export interface QueryState<T> {
  data: T | null;
  /** data is from an earlier query of the same shape (e.g. before live rows arrived) */
  stale: boolean;
  loading: boolean;
  error: string | null;
}

/** Queries whose answers can stand in for each other while loading: same type and panel/drill. */
function shape(q: Query | null): string {
  if (!q) return '';
  if (q.type === 'panel') return 'panel:' + q.panel;
  if (q.type === 'drill') return 'drill:' + q.drill.kind + ':' + q.drill.key;
  return q.type;
}

export function useDataVersion(client: QueryClient): number {
  return useSyncExternalStore((cb) => client.subscribe(cb), () => client.version);
}

export function useQuery<T extends QueryResult>(client: QueryClient, q: Query | null): QueryState<T> {
  const version = useDataVersion(client);
  const key = q ? client.key(q) : '';
  const [got, setGot] = useState<{ key: string; shape: string; data: T | null; error: string | null }>({ key: '', shape: '', data: null, error: null });
  const cached = q ? (client.peek(q) as T | undefined) : undefined;
  useEffect(() => {
    if (!q || cached) return;
    let alive = true;
    client.fetch(q).then(
      (data) => { if (alive) setGot({ key, shape: shape(q), data: data as T, error: null }); },
      (e: Error) => { if (alive && e.message !== 'dropped') setGot({ key, shape: shape(q), data: null, error: e.message }); },
    );
    return () => { alive = false; };
    // the key holds the query and the data version
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, version]);
  if (!q) return { data: null, stale: false, loading: false, error: null };
  if (cached) return { data: cached, stale: false, loading: false, error: null };
  if (got.key === key) return { data: got.data, stale: false, loading: false, error: got.error };
  const sameShape = got.shape === shape(q) && got.data !== null;
  return { data: sameShape ? got.data : null, stale: sameShape, loading: true, error: null };
}
