// Consistency check exports (see qcow2/check/).
export {};
