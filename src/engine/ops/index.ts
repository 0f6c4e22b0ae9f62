// The engine's write API (docs/contracts.md): Node and browser alike.
export { convertImage, type ConvertOptions } from './convert.js';
export type { Progress, LongOp } from './progress.js';
export type { Qcow2CreateOptions } from '../qcow2/options.js';
export type { ImageTarget } from '../../io/target.js';
export { createImage, type CreateOptions } from './create.js';
export { measureImage, type MeasureOptions, type MeasureResult } from './measure.js';
export { commitImage, type CommitOptions } from './commit.js';
export { rebaseImage, type RebaseOptions } from './rebase.js';
export { resizeImage, type ResizeOptions } from './resize.js';
export { repairImage, type RepairOptions } from '../repair/repair.js';
