// Content-Range (RFC 9110 §14.4): "bytes first-last/complete", "bytes first-last/*" or "bytes */complete".

export interface ContentRange {
  // The range sent; absent in the answer to an unsatisfiable range ("bytes */N").
  first?: number;
  last?: number;
  /** The whole resource's length, absent when the server sent `*`. */
  complete?: number;
}

const RANGE = /^bytes\s+(?:(\d+)-(\d+)|\*)\/(\d+|\*)$/i;

export function parseContentRange(value: string | null): ContentRange | undefined {
  const m = value ? RANGE.exec(value.trim()) : null;
  if (!m) return undefined;
  const num = (s: string | undefined) => (s === undefined || s === '*' ? undefined : Number(s));
  const r: ContentRange = { first: num(m[1]), last: num(m[2]), complete: num(m[3]) };
  const bad = [r.first, r.last, r.complete].some((n) => n !== undefined && !Number.isSafeInteger(n));
  if (bad || (r.first !== undefined && r.last! < r.first)) return undefined;
  if (r.complete !== undefined && r.last !== undefined && r.last >= r.complete) return undefined;
  return r;
}
