// The run trained in this page, kept in the browser's IndexedDB after every save (its text
// and its checkpoint files), so that a reload finds it again and can go on training it.
// Where IndexedDB is unavailable (private windows of some browsers) the page says so.

const DB = 'rnnlm';
const STORE = 'runs';
const KEY = 'current';

export interface SavedRun {
  name: string;
  text: string;
  files: Array<[string, Uint8Array]>;
  savedAt: string;
}

function open(): Promise<IDBDatabase> {
  return new Promise((ok, fail) => {
    if (typeof indexedDB === 'undefined') return fail(new Error('this browser gives the page no IndexedDB'));
    const r = indexedDB.open(DB, 1);
    r.onupgradeneeded = () => r.result.createObjectStore(STORE);
    r.onsuccess = () => ok(r.result);
    r.onerror = () => fail(r.error ?? new Error('IndexedDB did not open'));
  });
}

async function request<T>(mode: IDBTransactionMode, f: (s: IDBObjectStore) => IDBRequest): Promise<T> {
  const db = await open();
  try {
    return await new Promise<T>((ok, fail) => {
      const tx = db.transaction(STORE, mode);
      const r = f(tx.objectStore(STORE));
      tx.oncomplete = () => ok(r.result as T);
      tx.onerror = () => fail(tx.error ?? new Error('IndexedDB write failed'));
      tx.onabort = () => fail(tx.error ?? new Error('IndexedDB write aborted (out of space?)'));
    });
  } finally {
    db.close();
  }
}

export function saveRun(run: SavedRun): Promise<void> {
  return request<void>('readwrite', (s) => s.put(run, KEY));
}

export async function loadRun(): Promise<SavedRun | null> {
  return ((await request<SavedRun | undefined>('readonly', (s) => s.get(KEY))) ?? null) as SavedRun | null;
}

export function forgetRun(): Promise<void> {
  return request<void>('readwrite', (s) => s.delete(KEY));
}
