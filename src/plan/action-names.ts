// Every file name a step can carry, action by action: paths the agent opens, backing names an image
// header will record (they resolve against that image's directory, as QEMU and the qcow2 spec read
// them), and the mode and owner of each volume record a step creates. The agent checks each one
// against its roots before use (src/agent/storage/containment.ts). A table, not a match on key names: a new
// action does not compile until it says what it names. No action carries an external data-file name
// (the engine refuses to write images that have one).
import type { Action, ParamsOf } from './actions.js';
import type { Condition } from './conditions.js';
import type { InventoryOp } from './inventory-ops.js';
import type { Volume } from './inventory.js';

/** The image that records a backing name: by path, by volume id, or the layer above node `overlayOf` in a VM's disk. */
export type ImageRef = { path: string } | { volume: string } | { vm: string; overlayOf: string };

export type NameRef =
  | { kind: 'path'; field: string; path: string }
  | { kind: 'backing'; field: string; name: string; image: ImageRef }
  | { kind: 'mode'; field: string; mode: string }
  | { kind: 'owner'; field: string; owner: string };

const path = (field: string, p: string | null): NameRef[] => (p === null ? [] : [{ kind: 'path', field, path: p }]);

const backing = (field: string, name: string | null, image: ImageRef): NameRef[] =>
  name === null ? [] : [{ kind: 'backing', field, name, image }];

/** A volume record a step creates: its file, its backing name, its mode and its owner. */
export function volumeNames(field: string, v: Volume): NameRef[] {
  return [
    ...path(`${field}.path`, v.path),
    ...backing(`${field}.backingName`, v.backingName, { path: v.path }),
    { kind: 'mode', field: `${field}.mode`, mode: v.mode },
    { kind: 'owner', field: `${field}.owner`, owner: v.owner },
  ];
}

function opNames(op: InventoryOp, field: string): NameRef[] {
  switch (op.op) {
    case 'add-volume':
      return volumeNames(`${field}.volume`, op.volume);
    case 'relocate':
      return path(`${field}.path`, op.path);
    case 'set-backing':
      return backing(`${field}.backingName`, op.backingName, { volume: op.volume });
    default:
      return [];
  }
}

const none = () => [];

export const ACTION_NAMES: { [A in Action]: (p: ParamsOf<A>) => NameRef[] } = {
  'create-volume': (p) => volumeNames('volume', p.volume),
  'copy-data': (p) => [...path('sourcePath', p.sourcePath), ...path('targetPath', p.targetPath)],
  'flush-volume': (p) => path('path', p.path),
  'verify-copy': (p) => [...path('sourcePath', p.sourcePath), ...path('targetPath', p.targetPath)],
  'check-target': (p) => [...path('path', p.path), ...path('backingPath', p.backingPath)],
  'commit-offline': (p) => [...path('topPath', p.topPath), ...path('basePath', p.basePath)],
  'rebase-offline': (p) => [...path('path', p.path), ...backing('backingName', p.backingName, { path: p.path })],
  'delete-volume': (p) => path('path', p.path),
  'delete-file': (p) => path('path', p.path),
  'rename-volumes': (p) =>
    p.moves.flatMap((m, i) => [...path(`moves.${i}.fromPath`, m.fromPath), ...path(`moves.${i}.toPath`, m.toPath)]),
  'inventory-update': (p) => p.ops.flatMap((op, i) => opNames(op, `ops.${i}`)),
  'qmp-create-image': (p) => [...path('path', p.path), ...backing('backingFile', p.backingFile, { path: p.path })],
  'qmp-open-image': (p) => path('path', p.path),
  'qmp-close-image': none,
  'qmp-mirror': none,
  // QEMU writes the new backing name into the layer above `top` (block-commit's backing-file).
  'qmp-commit': (p) => backing('backingFile', p.backingFile, { vm: p.vm, overlayOf: p.top }),
  'qmp-wait-ready': none,
  'qmp-attach-backing': none,
  'qmp-pivot': none,
  'qmp-job-finish': none,
  'qmp-job-dismiss': none,
  'qmp-release-copy': none,
  'qmp-job-cancel': none,
  'qmp-snapshot-group': none,
};

/** The names of one call: the table's entry for its action. */
export function namesOf(call: { action: Action; params: unknown }): NameRef[] {
  return (ACTION_NAMES[call.action] as (p: unknown) => NameRef[])(call.params);
}

/** The file a condition asks about, if any (file-exists and file-absent touch the file system). */
export function conditionPath(c: Condition): string | null {
  switch (c.check) {
    case 'file-exists':
    case 'file-absent':
    case 'volume-path':
      return c.path;
    default:
      return null;
  }
}
