// The one error type every part of vdisk throws and transports: a stable code, a message a person
// can act on, and where the problem is (field, offset, path). It serialises to plain JSON so it can
// cross a worker boundary, an HTTP hop (RFC 9457 problem+json) or a CLI line unchanged.
import { describeCode, type ErrorCode } from './codes.js';

export interface ErrorDetail {
  field?: string;
  offset?: number;
  path?: string;
  value?: number | string;
  hint?: string;
  [extra: string]: unknown;
}

export interface SerializedError extends ErrorDetail {
  code: string;
  message: string;
}

export class VdiskError extends Error {
  override readonly name = 'VdiskError';
  readonly code: ErrorCode;
  readonly detail: ErrorDetail;

  constructor(code: ErrorCode, message?: string, detail: ErrorDetail = {}) {
    const info = describeCode(code);
    super(message ?? info.message);
    this.code = code;
    this.detail = { ...detail, hint: detail.hint ?? info.hint };
  }

  /** One line for a terminal: `E_CODE: message (field at offset 0x..; path); target STATE — hint`. */
  toLine(): string {
    const where: string[] = [];
    const { field, offset, path, hint, targetState } = this.detail;
    if (field !== undefined) where.push(offset !== undefined ? `${field} at offset 0x${offset.toString(16)}` : field);
    else if (offset !== undefined) where.push(`offset 0x${offset.toString(16)}`);
    if (path !== undefined) where.push(path);
    const tail = where.length ? ` (${where.join('; ')})` : '';
    const state = typeof targetState === 'string' ? `; target ${targetState}` : '';
    return `${this.code}: ${this.message}${tail}${state}${hint ? ` — ${hint}` : ''}`;
  }

  toJSON(): SerializedError {
    return { ...this.detail, code: this.code, message: this.message };
  }

  static fromJSON(value: SerializedError): VdiskError {
    const { code, message, ...detail } = value;
    return new VdiskError(code as ErrorCode, message, detail);
  }
}

export function isVdiskError(e: unknown, code?: ErrorCode): e is VdiskError {
  return e instanceof VdiskError && (code === undefined || e.code === code);
}
