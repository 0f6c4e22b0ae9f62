// Messages and hints for the planner's codes (src/plan). A request is refused with one of these
// before any step is planned; the executor and simulator report the runtime ones.
import type { CodeInfo } from './codes.js';

const refused = (message: string, hint?: string): CodeInfo => ({ message, hint, http: 422 });
const missing = (message: string, hint?: string): CodeInfo => ({ message, hint, http: 404 });

export const PLAN_CODES = {
  E_PLAN_BAD_REQUEST: { message: 'the request does not match the request schema', http: 400 },
  E_PLAN_BAD_INVENTORY: { message: 'the inventory does not match the inventory schema', http: 400 },
  E_PLAN_BAD_PLAN: { message: 'the plan does not match the plan schema', http: 400 },
  E_CROSS_HOST: refused('the request needs more than one host', 'move the data in two plans, one per host'),
  E_PLAN_UNKNOWN_VOLUME: missing('no such volume in the inventory'),
  E_PLAN_UNKNOWN_POOL: missing('no such storage pool in the inventory'),
  E_PLAN_UNKNOWN_VM: missing('no such VM in the inventory'),
  E_PLAN_UNKNOWN_DISK: missing('the VM has no such disk'),
  E_PLAN_UNKNOWN_SNAPSHOT: missing('the VM has no such snapshot'),
  E_PLAN_BLOCK_POOL: refused('block-device pools are not supported yet', 'use a directory pool'),
  E_PLAN_PATH_OUTSIDE_POOL: refused(
    'the path is not inside any pool root',
    'name a path under a pool root, without ..',
  ),
  E_PLAN_UNSAFE_MODE: refused(
    'a new volume cannot be setuid, setgid, sticky or writable by others',
    'give a mode 0NNN without 4000, 2000, 1000 or 0002 bits, e.g. 0640',
  ),
  E_PLAN_POOL_TOO_SMALL: refused('the target pool has not enough free space for the copy'),
  E_PLAN_STALE: {
    message: 'the facts this plan was made from have changed on the host',
    hint: 'review the fresh plan in `plan` and submit it',
    http: 409,
  },
  E_PLAN_CLONE_SMALLER: refused(
    'a clone cannot be smaller than its source',
    'give a capacity at least the source size',
  ),
  E_PLAN_NAME_TAKEN: refused('a volume with that path already exists'),
  E_PLAN_SAME_POOL: refused('the volume is already in that pool'),
  E_PLAN_ILLEGAL_VOLUME: refused('a volume involved is ILLEGAL (a half-made copy)', 'delete or repair it first'),
  E_PLAN_FORMAT_UNCONFIRMED: refused(
    'a layer reads as qcow2 on a backing file, but its format was only probed (a guest can write such a header)',
    'state the format on the agent: vdisk agent --adopt VOLUME=qcow2 (or =raw if it is a raw disk)',
  ),
  E_PLAN_CHAIN_BROKEN: refused('the backing chain in the inventory loops or names a missing volume'),
  E_PLAN_NON_LINEAR_CHAIN: refused('the snapshot tree branches below this snapshot', 'delete the other branch first'),
  E_PLAN_NOT_CURRENT_LEAF: refused('the current snapshot is not the leaf of the chain starting at this snapshot'),
  E_PLAN_LAYER_NOT_FILE: refused('a layer involved is not a file (block or network storage)'),
  E_PLAN_CHAIN_MISMATCH: refused("a snapshot's layer is not in its disk's current backing chain"),
  E_PLAN_VOLUME_IN_USE: refused('the volume is written by a running VM', 'use a live plan (block-copy) or stop the VM'),
  E_PLAN_SHARED_BACKING: refused(
    'a layer of the chain is also the backing of another volume',
    'move it flattened instead',
  ),
  E_PLAN_VM_NOT_RUNNING: refused('a live block job needs the VM to be running'),
  E_PLAN_RAW_CANNOT_BACK: refused('a raw image cannot have a backing file', 'flatten, or choose qcow2'),
  E_PLAN_VERIFY_FULL_LIVE: refused(
    'a full compare is impossible while the guest writes',
    'use --verify=metadata for a live move',
  ),
  E_PLAN_DUPLICATE_DISK: refused('the same disk is named twice'),
  E_PLAN_NOT_A_COPY: refused('without COPY this is a rebase (pull), not a block copy'),
  E_PLAN_FLAG_REQUIRES_COPY: refused('SHALLOW, REUSE_EXT and COPY_RAW are only valid with COPY'),
  E_PLAN_RELATIVE_WITH_COPY: refused('RELATIVE is not supported with COPY (as in libvirt)'),
  E_PLAN_REUSE_RAW_MEANINGLESS: refused(
    'REUSE_EXT|COPY_RAW without SHALLOW reuses an empty raw file: nothing to reuse',
  ),
  E_PLAN_REUSE_SHALLOW_RAW: refused('a raw REUSE_EXT target cannot name the source backing, so it cannot be checked'),
  E_PLAN_SHALLOW_RAW_NEEDS_RAW_SOURCE: refused('SHALLOW|COPY_RAW needs a raw source (a single file)'),
  E_PLAN_REUSE_FORMAT_REQUIRED: refused('REUSE_EXT needs the existing target format stated (never probed)'),
  E_PLAN_REUSE_TARGET_MISMATCH: refused('the existing target does not match: wrong format or too small'),
  E_PLAN_TARGET_NOT_EMPTY: refused('the REUSE_EXT target does not read as zeros'),
  E_PLAN_TARGET_WRONG_BACKING: refused("the shallow REUSE_EXT target does not name the source's backing"),
  E_PLAN_TARGET_STRAY_DATA: refused(
    'the shallow REUSE_EXT target holds data of its own that reads differently from its backing',
  ),
  E_PLAN_PIVOT_BEFORE_READY: {
    message: 'pivot requested before the job is ready',
    hint: 'wait for BLOCK_JOB_READY',
    http: 409,
  },
  E_JOB_VERB_REFUSED: { message: 'the job does not accept this verb in its current state', http: 409 },
  E_JOB_BAD_TRANSITION: { message: 'impossible job state transition', http: 500 },
  E_PLAN_STEP_FAILED: { message: 'a plan step failed', http: 502 },
  E_PLAN_QMP_ERROR: { message: 'QEMU refused a command', http: 502 },
} satisfies Record<string, CodeInfo>;
