/**
 * The signing service's error catalogue (documented in services/signing/README.md). The
 * kit's `serviceErrors` (validation, 413, 415, 404 route) are used as they are.
 */
import { defineErrors } from '@lienthong/kit';

export const signingErrors = defineErrors({
  CERTIFICATE_NOT_FOUND: {
    status: 404,
    title: 'Certificate not found',
    detail: 'No certificate of this CA has that id.',
  },
  TIMESTAMP_REQUEST_MALFORMED: {
    status: 400,
    title: 'Malformed time-stamp request',
    detail: 'The body is not a DER TimeStampReq (RFC 3161 §2.4.1).',
  },
  OCSP_REQUEST_MALFORMED: {
    status: 400,
    title: 'Malformed OCSP request',
    detail: 'The request is not a DER OCSPRequest (RFC 6960 §4.1.1).',
  },
  TRUST_ANCHOR_MALFORMED: {
    status: 400,
    title: 'Malformed trust anchor',
    detail: 'An entry of anchors[] is not a DER X.509 certificate.',
  },
  CERTIFICATE_MALFORMED: {
    status: 400,
    title: 'Malformed certificate',
    detail: 'A certificate of the request is not a DER X.509 certificate.',
  },
  CERTIFICATE_NOT_FOR_SIGNING: {
    status: 400,
    title: 'Certificate not for signing',
    detail:
      'The certificate is a CA certificate, has expired or is not yet valid, or its keyUsage allows neither digitalSignature nor nonRepudiation.',
  },
  CERTIFICATE_ALREADY_REVOKED: { status: 409, title: 'Certificate already revoked' },
  PKCS12_UNREADABLE: {
    status: 400,
    title: 'Unreadable PKCS#12',
    detail: 'The PKCS#12 file could not be read: wrong password, corrupt file, or no key with its certificate.',
  },
  SIGNING_KEY_NOT_FOUND: {
    status: 404,
    title: 'Signing key not found',
    detail: 'No signing key with this id that you may use.',
  },
  SIGNING_KEY_PIN_INCORRECT: {
    status: 403,
    title: 'Incorrect PIN',
    detail: 'The PIN of this key is not that; attemptsLeft says how many tries remain before the key locks.',
  },
  PIN_POLICY_UNMET: {
    status: 400,
    title: 'PIN too weak',
    detail:
      'A new PIN needs 8 to 64 characters (counted after NFC normalisation), at least one of which is not a digit.',
  },
  SIGNING_KEY_LOCKED: {
    status: 423,
    title: 'Signing key locked',
    detail: 'Too many wrong PINs: the key is locked until a CA administrator of the office unlocks it.',
  },
  SIGNING_KEY_PIN_ATTEMPTS_EXCEEDED: {
    status: 429,
    title: 'Too many wrong PINs',
    detail:
      'This key took 10 wrong PINs in the last 24 hours: no PIN is tried until the oldest of them is 24 hours old (retryAfterSeconds), whatever unlocks happen meanwhile.',
  },
  SIGNING_KEY_NOT_LOCKED: {
    status: 409,
    title: 'Signing key not locked',
    detail: 'The key is not locked: there is nothing to unlock.',
  },
  SIGNING_KEY_UNLOCK_REFUSED: {
    status: 403,
    title: 'Unlock refused',
    detail: 'Only a CA administrator of the office may unlock a personal key, and not their own.',
  },
  SIGNING_KEY_NOT_USABLE: {
    status: 409,
    title: 'Signing key not usable',
    detail: "The key's certificate has expired or was revoked, or its token is not available.",
  },
  DIGEST_ALGORITHM_UNSUITABLE: { status: 400, title: 'Unsuitable digest algorithm' },
  SIGNING_SESSION_NOT_FOUND: {
    status: 404,
    title: 'Signing session not found',
    detail: 'No prepared two-step signature of yours has this id.',
  },
  SIGNING_SESSION_USED: { status: 409, title: 'Signing session already completed' },
  SIGNING_SESSION_EXPIRED: { status: 410, title: 'Signing session expired', detail: 'Prepare the signature again.' },
  SIGNING_TOKEN_MODULE_UNAVAILABLE: {
    status: 503,
    title: 'PKCS#11 module unavailable',
    detail: 'The PKCS#11 module could not be loaded or initialised.',
  },
  SIGNING_TOKEN_NOT_FOUND: { status: 503, title: 'Token not found', detail: 'No slot holds a token with that label.' },
  SIGNING_TOKEN_PIN_INCORRECT: {
    status: 503,
    title: 'Token PIN incorrect',
    detail: 'The token refused the user PIN (CKR_PIN_INCORRECT).',
  },
  SIGNING_TOKEN_PIN_LOCKED: {
    status: 503,
    title: 'Token PIN locked',
    detail:
      'The user PIN is locked after too many wrong attempts (CKR_PIN_LOCKED); the security officer must reset it.',
  },
  SIGNING_TOKEN_KEY_NOT_FOUND: {
    status: 404,
    title: 'Key not found on the token',
    detail: 'No private key on the token has that label or id.',
  },
  SIGNING_TOKEN_KEY_EXISTS: {
    status: 409,
    title: 'Key already on the token',
    detail: 'A key with that label is already on the token.',
  },
  SIGNING_TOKEN_KEY_UNSUITABLE: {
    status: 422,
    title: 'Key unsuitable',
    detail: 'The key type does not fit the signature algorithm.',
  },
  SIGNING_TOKEN_FAILED: { status: 502, title: 'Token operation failed', detail: 'The token returned an error.' },
  SIGNING_TOKEN_NOT_CONFIGURED: {
    status: 409,
    title: 'No PKCS#11 token',
    detail: 'This service has no PKCS#11 token configured (LIENTHONG_SIGNING_PKCS11_MODULE).',
  },
  SIGNING_KEY_IMAGE_NOT_FOUND: {
    status: 404,
    title: 'Signing key image not found',
    detail: 'This key has no appearance image.',
  },
  IMAGE_UNREADABLE: {
    status: 400,
    title: 'Unreadable image',
    detail:
      'The body is not a PNG or JPEG image the signature appearance can draw (corrupt, truncated, of another kind than announced, or too large in pixels).',
  },
  SIGNATURE_FIELD_UNUSABLE: {
    status: 400,
    title: 'Signature field not usable',
    detail: 'The field the signature is to fill is already signed or is not a signature field.',
  },
  PDF_UNREADABLE: {
    status: 400,
    title: 'Unreadable PDF',
    detail: 'The body is not a PDF this service can sign (malformed, encrypted, or refusing further signatures).',
  },
  SIGNATURE_VALUE_INVALID: {
    status: 400,
    title: 'Invalid signature value',
    detail:
      "The signature value does not verify with the certificate's public key over the prepared signed attributes.",
  },
  PARSING_TIME_LIMIT: {
    status: 422,
    title: 'Upload took too long to read',
    detail:
      'Reading and judging the uploaded PDF or CMS ran over the time a worker may spend on one upload (LIENTHONG_SIGNING_JOB_TIME_LIMIT_MS); it was not judged.',
  },
  PARSING_MEMORY_LIMIT: {
    status: 422,
    title: 'Upload needed too much memory to read',
    detail:
      "Reading and judging the uploaded PDF or CMS went over a worker's memory limit (LIENTHONG_SIGNING_WORKER_MEMORY_MB); it was not judged.",
  },
  PARSING_QUEUE_FULL: {
    status: 503,
    title: 'Too many uploads being read',
    detail:
      'Every worker is busy and the queue is full (LIENTHONG_SIGNING_JOB_QUEUE): try again after retry-after seconds.',
  },
  OFFICE_NOT_REGISTERED: {
    status: 409,
    title: 'Office not registered',
    detail:
      "The caller's office is not among the offices this CA certifies (LIENTHONG_SIGNING_OFFICES_FILE or the directory), or the directory retired it.",
  },
  PERSON_NOT_REGISTERED: {
    status: 409,
    title: 'Person not registered',
    detail:
      'No CA administrator of the office has recorded this person (PUT /v1/offices/self/people/{subject}): the CA certifies only registered people.',
  },
  PEOPLE_FROM_DIRECTORY: {
    status: 409,
    title: 'People kept by the directory',
    detail:
      "The office's people come from intake's directory (directory.changed): they are changed there, not recorded here.",
  },
  PERSON_NOT_FOUND: {
    status: 404,
    title: 'Person not found',
    detail: 'The office has recorded no person with this subject.',
  },
  KEY_REQUEST_NOT_FOUND: {
    status: 404,
    title: 'Key request not found',
    detail: "No key request of the caller's office with this id that the caller may see.",
  },
  KEY_REQUEST_OWN: {
    status: 403,
    title: 'Own key request',
    detail: 'A key request is decided by a CA administrator of the office other than the requester.',
  },
  KEY_REQUEST_DECIDED: {
    status: 409,
    title: 'Key request already decided',
    detail: 'The request was already approved or refused.',
  },
  KEY_REQUEST_STALE: {
    status: 409,
    title: 'Key request stale',
    detail: "The office's or the person's registration changed since the request was made: the requester asks again.",
  },
  CSR_MALFORMED: {
    status: 400,
    title: 'Malformed certification request',
    detail:
      'The csr is not a PKCS #10 CertificationRequest (RFC 2986): not base64 DER or PEM, not DER, truncated, trailing bytes, a version other than 0, or over 16 KiB.',
  },
  CSR_SIGNATURE_INVALID: {
    status: 400,
    title: 'Certification request signature invalid',
    detail:
      "The request's signature does not verify with its own public key: it does not prove possession of the key (RFC 2986 §3).",
  },
  CSR_KEY_UNSUITABLE: {
    status: 422,
    title: 'Key not certified',
    detail:
      'The request holds a key or signature algorithm this CA does not certify: RSA of 2048 to 8192 bits (PKCS #1 v1.5 or PSS, SHA-256/384/512) or ECDSA P-256/P-384 (SHA-256/384) only.',
  },
  CSR_KEY_IN_USE: {
    status: 409,
    title: 'Key already requested',
    detail: 'A key request pending or approved already holds this public key: a key is certified once.',
  },
  SIGNING_KEY_ON_TOKEN: {
    status: 409,
    title: "Key on the signer's token",
    detail:
      "The key was certified from a certification request and its private key is on the signer's USB token: sign with it in two steps (POST /v1/two-step, POST /v1/two-step/pdf) with its certificate.",
  },
  KEY_REQUESTS_PENDING: {
    status: 409,
    title: 'Too many pending key requests',
    detail: 'The requester or the office has as many pending key requests as allowed; wait until one is decided.',
  },
  OFFICE_HAS_NO_SEAL: {
    status: 409,
    title: 'Office has no seal',
    detail:
      'The office has no seal key whose certificate is valid now and not revoked (a CA administrator of the office issues one: POST /v1/ca/seals).',
  },
  EVIDENCE_STATEMENT_INVALID: {
    status: 400,
    title: 'Invalid evidence statement',
    detail:
      'A statement is not the canonical bytes of a valid libs/evidence statement: index says which, evidenceError the libs/evidence code. Nothing was signed.',
  },
  EVIDENCE_OFFICE_MISMATCH: {
    status: 403,
    title: 'Statement of another office',
    detail: "A statement's acting office is not the office the token acts for: index says which. Nothing was signed.",
  },
  EVIDENCE_SEALING_NOT_CONFIGURED: {
    status: 503,
    title: 'Evidence sealing not configured',
    detail: "This service has no key set for the delivery service's evidence tokens (LIENTHONG_SIGNING_EVIDENCE_JWKS).",
  },
  CERTIFICATE_IDENTITY_MISMATCH: {
    status: 422,
    title: 'Certificate names someone else',
    detail:
      'The certificate does not name the caller as their office registered them (mismatches says what differs). Import it with requestApproval: true to ask a CA administrator of the office.',
  },
});
