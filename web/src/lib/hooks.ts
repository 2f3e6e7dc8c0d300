import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { Page } from '../api/types';

/** Loads once per `deps` change; `reload()` fetches again. Stale answers are dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const run = useCallback(async () => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const value = await load();
      if (mine === generation.current) setData(value);
    } catch (err) {
      if (mine === generation.current) setError(err);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, deps);

  useEffect(() => {
    void run();
  }, [run]);

  return { data, setData, error, loading, reload: run };
}

/** Cursor pagination: the first page on `deps` change, then `loadMore()` appends. */
export function usePaged<T>(fetchPage: (cursor: string | null) => Promise<Page<T>>, deps: unknown[]) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);

  const fetchInto = useCallback(
    async (from: string | null, append: boolean) => {
      const mine = ++generation.current;
      setLoading(true);
      setError(null);
      try {
        const page = await fetchPage(from);
        if (mine !== generation.current) return;
        setItems((prev) => (append ? [...prev, ...page.data] : page.data));
        setCursor(page.next_cursor || null);
      } catch (err) {
        if (mine === generation.current) setError(err);
      } finally {
        if (mine === generation.current) setLoading(false);
      }
    },
    deps,
  );

  useEffect(() => {
    setItems([]);
    setCursor(null);
    void fetchInto(null, false);
  }, [fetchInto]);

  return {
    items,
    error,
    loading,
    hasMore: cursor !== null,
    loadMore: () => fetchInto(cursor, true),
    reload: () => fetchInto(null, false),
  };
}

/**
 * One request started by a click (delete, disconnect, rotate...): `busy` while it runs, and the
 * failure kept in `error` for an <ErrorAlert/> beside the control (cleared when it runs again).
 */
export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}
