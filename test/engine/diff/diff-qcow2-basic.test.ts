// Differential tests for the qcow2-basic fixtures (see ../fixtures/catalog.ts): info, map, check, compare.
import { FIXTURE_GROUPS } from '../../fixtures/catalog.js';
import { describeDifferential } from './differential.js';

describeDifferential('qcow2-basic', FIXTURE_GROUPS['qcow2-basic']!);
