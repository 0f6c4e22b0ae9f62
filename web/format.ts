// Numbers as a person reads them: binary sizes, rates and short durations.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

export function bytes(n: number): string {
  if (!Number.isFinite(n) || n < 0) return '?';
  let i = 0;
  while (n >= 1024 && i < UNITS.length - 1) {
    n /= 1024;
    i++;
  }
  return `${Number.isInteger(n) ? n : n.toFixed(n < 10 ? 2 : n < 100 ? 1 : 0)} ${UNITS[i]}`;
}

export function rate(bytesPerSecond: number): string {
  return `${bytes(bytesPerSecond)}/s`;
}

export function percent(done: number, total: number): string {
  return total > 0 ? `${Math.floor((done / total) * 100)} %` : '0 %';
}

export function when(iso: string | number): string {
  return new Date(iso).toLocaleString();
}
