// Messages and hints for the write side: convert, create, commit, rebase, resize, check -r.
import type { CodeInfo } from './codes.js';

export const WRITE_CODES = {
  E_NO_SPACE: {
    message: 'no space left on the target device',
    hint: 'free space or choose another destination',
    http: 507,
  },
  E_TARGET_EXISTS: {
    message: 'the destination already exists',
    hint: 'remove it, pass -n to write into it, or --force to replace it',
    http: 409,
  },
  E_TARGET_STATE: {
    message: 'the reused target was left partly written',
    hint: 'its content is undefined until the copy is repeated',
    http: 500,
  },
  E_CANCELLED: { message: 'the operation was cancelled', http: 499 },
  E_SIZE_MISMATCH: {
    message: 'the target is smaller than the source',
    hint: 'resize the target or pass --target-size',
    http: 422,
  },
  E_BAD_OPTION: {
    message: 'invalid image creation option',
    hint: 'see qemu-img create -o help for the names',
    http: 400,
  },
  E_SHRINK_NEEDS_FLAG: {
    message: 'shrinking an image loses data past the new end',
    hint: 'pass --shrink to confirm',
    http: 422,
  },
  E_SNAPSHOTS_PRESENT: {
    message: 'this operation does not support images with internal snapshots',
    hint: 'delete them with qemu-img snapshot -d first',
    http: 422,
  },
  E_NOT_IN_CHAIN: { message: 'the named base is not in the backing chain of the image', http: 422 },
  E_REPAIR_NEEDS_REBUILD: {
    message: 'the refcount structure must be rebuilt, which -r leaks does not do',
    hint: 'run vdisk check -r all',
    http: 422,
  },
  E_REPAIR_FAILED: {
    message: 'the image cannot be repaired: some refcounts cannot be read',
    hint: 'copy the data out with vdisk convert',
    http: 422,
  },
  E_BITMAP_INCONSISTENT: {
    message: 'a persistent bitmap of the source is inconsistent (in use: not stored cleanly)',
    hint: 'pass --skip-broken-bitmaps to leave it out',
    http: 422,
  },
  E_WRITE_UNSUPPORTED: { message: 'writing this kind of image is not supported', http: 422 },
} satisfies Record<string, CodeInfo>;
