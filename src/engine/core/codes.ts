// Numeric engine statuses and field ids → their stable names, from the shared AssemblyScript tables.
import * as status from '../../../assembly/status';
import * as fields from '../../../assembly/fields';
import { VdiskError } from '../../errors/vdisk-error.js';

const STATUS_NAMES = new Map<number, string>(Object.entries(status).map(([k, v]) => [v as number, k]));
const FIELD_NAMES = new Map<number, string>(
  Object.entries(fields).map(([k, v]) => [v as number, k.replace(/^F_/, '').toLowerCase()]),
);

export const NEED_IO = status.NEED_IO;
export const OK = status.OK;
export const E_NO_MEMORY = status.E_NO_MEMORY;

export function statusName(code: number): string {
  return STATUS_NAMES.get(code) ?? `E_ENGINE_${code}`;
}

export function fieldName(id: number): string | undefined {
  return id === 0 ? undefined : FIELD_NAMES.get(id);
}

export interface ErrorSite {
  field: number;
  offset: number;
  value: number;
  path?: string;
}

export function engineError(code: number, site: ErrorSite): VdiskError {
  const field = fieldName(site.field);
  return new VdiskError(statusName(code), undefined, {
    field,
    offset: field !== undefined || site.offset ? site.offset : undefined,
    value: site.value,
    path: site.path,
  });
}
