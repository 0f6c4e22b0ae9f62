// Backing names outside the file or too long, loops and missing layers: refused fast, never spun on.
import { BACKING_MALFORMATIONS } from '../../fixtures/malformed-backing.js';
import { describeMalformed } from './malformed-suite.js';

describeMalformed('broken backing references', BACKING_MALFORMATIONS);
