// Several files picked or dropped together: the image is the one no other file names as its backing
// file. Only the qcow2 header's backing name is read (qcow2.txt: offset 8 u64, size at 16 u32).
import { H_BACKING_OFFSET, H_BACKING_SIZE, MAX_BACKING_NAME, QCOW2_MAGIC } from '../../assembly/qcow2/format';

async function backingName(file: Blob): Promise<string | undefined> {
  const head = new DataView(await file.slice(0, 20).arrayBuffer());
  if (head.byteLength < 20 || head.getUint32(0) !== QCOW2_MAGIC) return undefined;
  const off = Number(head.getBigUint64(H_BACKING_OFFSET));
  const len = head.getUint32(H_BACKING_SIZE);
  if (!off || !len || len > MAX_BACKING_NAME) return undefined;
  const name = new TextDecoder().decode(await file.slice(off, off + len).arrayBuffer());
  return name.slice(name.lastIndexOf('/') + 1);
}

/** Index of the top image among `files`: not named by any other; the first such qcow2 wins. */
export async function pickTop(files: File[]): Promise<number> {
  if (files.length === 1) return 0;
  const named = new Set<string>();
  const isQcow2: boolean[] = [];
  for (const f of files) {
    const b = await backingName(f);
    isQcow2.push(b !== undefined);
    if (b) named.add(b);
  }
  const tops = files.map((f, i) => ({ f, i })).filter(({ f }) => !named.has(f.name));
  return (tops.find(({ i }) => isQcow2[i]) ?? tops[0] ?? { i: 0 }).i;
}
