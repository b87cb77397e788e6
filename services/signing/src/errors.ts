/**
 * The signing service's error catalogue (documented in services/signing/README.md). The
 * kit's `serviceErrors` (validation, 413, 415, 404 route) are used as they are.
 */
import { defineErrors } from '@lienthong/service';

export const signingErrors = defineErrors({
  CERTIFICATE_NOT_FOUND: { status: 404, title: 'Certificate not found', detail: 'No certificate of this CA has that id.' },
  TIMESTAMP_REQUEST_MALFORMED: { status: 400, title: 'Malformed time-stamp request', detail: 'The body is not a DER TimeStampReq (RFC 3161 §2.4.1).' },
  OCSP_REQUEST_MALFORMED: { status: 400, title: 'Malformed OCSP request', detail: 'The request is not a DER OCSPRequest (RFC 6960 §4.1.1).' },
  TRUST_ANCHOR_MALFORMED: { status: 400, title: 'Malformed trust anchor', detail: 'An entry of anchors[] is not a DER X.509 certificate.' },
});
