// Ids for image files the agent finds but never registered: readable and stable across restarts
// (`POOL:dir:file.qcow2`), in the id alphabet the gateway accepts (letters, digits, . _ : @ + -,
// never `..`). A clash between two odd names is broken with a short hash of the path.
import { createHash } from 'node:crypto';
import { relative } from 'node:path';

export function volumeIdFor(rootName: string, rootDir: string, path: string, taken: (id: string) => boolean): string {
  const rel = relative(rootDir, path).split('/').join(':');
  const id = `${rootName}:${rel}`.replace(/[^A-Za-z0-9._:@+-]/g, '_').replace(/\.\./g, '._');
  if (!taken(id)) return id;
  return `${id}+${createHash('sha256').update(path).digest('hex').slice(0, 8)}`;
}
