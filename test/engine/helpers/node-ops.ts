// The engine's operations as the CLI runs them on this host: images given by name are opened through
// src/host's Node file access and backing gate, and the engine is loaded from dist/ when none is given.
import * as ops from '../../../src/engine/ops/index.js';
import { nodeHost } from '../../../src/host/node-host.js';

export const convertImage = (o: ops.ConvertOptions) => ops.convertImage({ ...nodeHost(), ...o });
export const createImage = (o: ops.CreateOptions) => ops.createImage({ ...nodeHost(), ...o });
export const measureImage = (o: ops.MeasureOptions) => ops.measureImage({ ...nodeHost(), ...o });
export const commitImage = (o: ops.CommitOptions) => ops.commitImage({ ...nodeHost(), ...o });
export const rebaseImage = (o: ops.RebaseOptions) => ops.rebaseImage({ ...nodeHost(), ...o });
export const resizeImage = (o: ops.ResizeOptions) => ops.resizeImage({ ...nodeHost(), ...o });
export const repairImage = (o: ops.RepairOptions) => ops.repairImage({ ...nodeHost(), ...o });
