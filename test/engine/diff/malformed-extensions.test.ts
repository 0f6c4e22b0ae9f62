// Broken header extensions, impossible feature combinations and encryption.
import { EXTENSION_MALFORMATIONS } from '../../fixtures/malformed-extensions.js';
import { describeMalformed } from './malformed-suite.js';

describeMalformed('malformed extensions and refused features', EXTENSION_MALFORMATIONS);
