// What the console remembers across reloads, in IndexedDB through idb-keyval: recent images,
// gateway connections (never their tokens: those stay in sessionStorage) and job history.
import { get, set, update } from 'idb-keyval';
import type { ImageRef } from '../worker/types.js';

export interface RecentImage {
  name: string;
  size: number;
  at: number;
  ref?: Extract<ImageRef, { kind: 'opfs' | 'url' }>;
}
export interface Connection {
  url: string;
  at: number;
  agents?: string[];
}
export interface JobRecord {
  id: string;
  kind: string;
  summary: string;
  gateway: string;
  state: string;
  progress: number;
  step?: string;
  error?: { code: string; message: string };
  startedAt: number;
  updatedAt: number;
}

const LIMIT = 20;

async function push<T>(key: string, item: T, same: (a: T) => boolean): Promise<void> {
  await update<T[]>(key, (list = []) => [item, ...list.filter((x) => !same(x))].slice(0, LIMIT));
}

export const store = {
  recentImages: async () => (await get<RecentImage[]>('recent-images')) ?? [],
  addRecentImage: (r: RecentImage) =>
    push('recent-images', r, (x: RecentImage) => x.name === r.name && x.ref?.kind === r.ref?.kind),
  connections: async () => (await get<Connection[]>('connections')) ?? [],
  addConnection: (c: Connection) => push('connections', c, (x: Connection) => x.url === c.url),
  jobs: async () => (await get<JobRecord[]>('jobs')) ?? [],
  saveJob: (j: JobRecord) => push('jobs', j, (x: JobRecord) => x.id === j.id),
  clear: async () => {
    await set('recent-images', []);
    await set('connections', []);
    await set('jobs', []);
  },
};

/** Bearer tokens per gateway, for this tab only. */
export const session = {
  token: (url: string) => sessionStorage.getItem(`token:${url}`) ?? undefined,
  setToken: (url: string, token: string) => sessionStorage.setItem(`token:${url}`, token),
  forget: (url: string) => sessionStorage.removeItem(`token:${url}`),
};
