// qemu prints JSON objects in the iteration order of its QDict (qobject/qdict.c): 512 hash buckets
// walked in order, keys hashed with tdb_hash, a bucket's keys newest first. Reordering our objects the
// same way makes `--output=json` byte-comparable with qemu-img's.
const BUCKETS = 512;

function tdbHash(name: string): number {
  const bytes = new TextEncoder().encode(name);
  let value = Math.imul(0x238f13af, bytes.length) >>> 0;
  for (let i = 0; i < bytes.length; i++) value = (value + ((bytes[i]! << ((i * 5) % 24)) >>> 0)) >>> 0;
  return (Math.imul(1103515243, value) + 12345) >>> 0;
}

/** A deep copy of `value` whose objects list their keys in QDict order (insertion order = given order). */
export function qdictOrder<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => qdictOrder(v)) as T;
  if (typeof value !== 'object' || value === null) return value;
  const keys = Object.keys(value).map((k, i) => ({ k, i, b: tdbHash(k) % BUCKETS }));
  keys.sort((a, b) => a.b - b.b || b.i - a.i);
  const out: Record<string, unknown> = {};
  for (const { k } of keys) out[k] = qdictOrder((value as Record<string, unknown>)[k]);
  return out as T;
}

/** qemu's pretty JSON (qobject_to_json_pretty): 4-space indent, QDict key order, empty lists and
 *  dicts still broken over two lines. */
export function qemuJson(value: unknown): string {
  const ordered = qdictOrder(value);
  const walk = (v: unknown, indent: string): string => {
    if (Array.isArray(v) || (typeof v === 'object' && v !== null)) {
      const inner = `${indent}    `;
      const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
      const items = Array.isArray(v)
        ? v.map((x) => `${inner}${walk(x, inner)}`)
        : Object.entries(v as Record<string, unknown>).map(
            ([k, x]) => `${inner}${JSON.stringify(k)}: ${walk(x, inner)}`,
          );
      return `${open}\n${items.join(',\n')}${items.length ? '\n' : ''}${indent}${close}`;
    }
    return JSON.stringify(v);
  };
  return walk(ordered, '');
}
