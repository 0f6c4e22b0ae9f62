// Each broken qcow2 header field gets its own code, field name and offset.
import { HEADER_MALFORMATIONS } from '../../fixtures/malformed-header.js';
import { describeMalformed } from './malformed-suite.js';

describeMalformed('malformed qcow2 headers are refused with a specific code, field and offset', HEADER_MALFORMATIONS);
