// qemu's size_to_str (util/cutils.c): "%0.3g" of the value in the largest binary unit that keeps it
// under 1000, e.g. "0.977 KiB" for 1000 bytes, "1.29 MiB", "64 MiB".
const SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

/** C's "%0.3g": three significant digits, trailing zeros dropped, exponent form from 1e3 up. */
export function cFormatG3(v: number): string {
  if (v === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(v.toPrecision(3)))));
  if (exp < -4 || exp >= 3) {
    const [m, e] = v.toExponential(2).split('e') as [string, string];
    const mant = m.replace(/\.?0+$/, '');
    const n = Number(e);
    return `${mant}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  }
  return v
    .toFixed(Math.max(0, 2 - exp))
    .replace(/(\.\d*?)0+$/, '$1')
    .replace(/\.$/, '');
}

export function sizeToStr(bytes: number): string {
  // frexp(val / (1000.0 / 1024.0)) gives the exponent e with 2^(e-1) <= x < 2^e.
  const x = bytes / (1000 / 1024);
  const e = x === 0 ? 0 : Math.floor(Math.log2(x)) + 1;
  const i = Math.max(0, Math.min(SUFFIXES.length - 1, Math.trunc((e - 1) / 10)));
  return `${cFormatG3(bytes / 2 ** (i * 10))} ${SUFFIXES[i]}B`;
}
