/**
 * The intake service's error catalogue (documented in services/intake/README.md). The
 * kit's `serviceErrors` (validation, 403, 413, 415, 404 route) are used as they are.
 */
import { defineErrors } from '@lienthong/kit';

export const intakeErrors = defineErrors({
  DIRECTORY_INVALID: {
    status: 422,
    title: 'Directory import refused',
    detail:
      'The file breaks the directory rules; every problem is in `problems` (JSON pointer or CSV row). Nothing was changed.',
  },
  DIRECTORY_CSV_MALFORMED: {
    status: 400,
    title: 'Malformed CSV',
    detail:
      'The CSV body could not be read (header, quoting, column count); every problem is in `problems`. Nothing was changed.',
  },
  DIRECTORY_OUT_OF_SCOPE: {
    status: 403,
    title: 'Outside your part of the directory',
    detail:
      "A directory administrator manages their committee's subtree only; `offices` names what is outside it. Nothing was changed.",
  },
  DIRECTORY_CALLER_UNKNOWN: {
    status: 403,
    title: 'Office not in the directory',
    detail: "The caller's office is not an active office of the directory, so it manages no part of it.",
  },
  OFFICE_NOT_FOUND: { status: 404, title: 'Office not found', detail: 'The directory has no office with this code.' },
  GROUP_NOT_FOUND: {
    status: 404,
    title: 'Recipient group not found',
    detail: 'The directory has no recipient group with this code.',
  },
  DOCUMENT_METADATA_INVALID: {
    status: 422,
    title: 'Document metadata refused',
    detail:
      'The metadata part breaks the rules of a Party document; every problem is in `problems`. Nothing was stored.',
  },
  DOCUMENT_RECIPIENT_UNKNOWN: {
    status: 422,
    title: 'Unknown recipient',
    detail:
      'A recipient office or group, or the signer, is not an active part of the directory; `problems` names each. Nothing was stored.',
  },
  DOCUMENT_SECRECY_NOT_AVAILABLE: {
    status: 422,
    title: 'Secrecy level not accepted',
    detail:
      'Mật documents are accepted only encrypted for their recipient offices, which intake cannot do yet. Nothing was stored.',
  },
  DOCUMENT_UPLOAD_MALFORMED: {
    status: 400,
    title: 'Malformed document upload',
    detail:
      'Send multipart/form-data with a `metadata` part (JSON) first and then a `content` part (the PDF), nothing else. Nothing was stored.',
  },
  DOCUMENT_TOO_LARGE: {
    status: 413,
    title: 'Document too large',
    detail: 'The PDF is larger than LIENTHONG_INTAKE_MAX_DOCUMENT_BYTES; `limit` gives it. Nothing was stored.',
  },
  DOCUMENT_NOT_PDF: {
    status: 422,
    title: 'Not a readable PDF',
    detail: 'The content is not a PDF that opens (not a PDF, truncated, encrypted or malformed). Nothing was stored.',
  },
  DOCUMENT_ALREADY_SIGNED: {
    status: 422,
    title: 'PDF already signed',
    detail:
      'The PDF carries signatures that signing it again would break or bury; submit the unsigned document. Nothing was stored.',
  },
  DOCUMENT_CHECK_REFUSED: {
    status: 422,
    title: 'PDF could not be checked',
    detail:
      'Opening the PDF took more time or memory than a check may (LIENTHONG_INTAKE_JOB_TIME_LIMIT_MS, _WORKER_MEMORY_MB). Nothing was stored.',
  },
  DOCUMENT_NOT_FOUND: {
    status: 404,
    title: 'Document not found',
    detail: "The caller's office has no document with this id.",
  },
  DOCUMENT_TRANSITION_NOT_ALLOWED: {
    status: 409,
    title: 'Transition not allowed',
    detail: 'The document is in a state that this action cannot leave; `state` gives it.',
  },
  IDEMPOTENCY_KEY_INVALID: {
    status: 400,
    title: 'Invalid Idempotency-Key',
    detail: 'An Idempotency-Key is 1 to 200 visible ASCII characters.',
  },
  IDEMPOTENCY_KEY_REUSED: {
    status: 422,
    title: 'Idempotency-Key reused',
    detail:
      'This Idempotency-Key was used for another request body (metadata or content); use a new key. Nothing was stored.',
  },
  REGISTER_OFFICE_UNKNOWN: {
    status: 422,
    title: 'Office not in the directory',
    detail: 'Numbers are given only in the register of an active office of the directory.',
  },
  REGISTER_PERIOD_UNKNOWN: {
    status: 422,
    title: 'No numbering period covers the date',
    detail: "The date is before the first committee term of the office's series configuration.",
  },
  REGISTER_CONFIG_INVALID: {
    status: 422,
    title: 'Series configuration refused',
    detail: 'The series configuration breaks its rules; `problems` lists every one. Nothing was changed.',
  },
  REGISTER_ENTRY_NOT_FOUND: {
    status: 404,
    title: 'Register entry not found',
    detail: "The office's register has no such number (or no number for this document).",
  },
  REGISTER_NUMBER_CANCELLED: {
    status: 409,
    title: 'Number cancelled',
    detail: "The document's number was cancelled; a cancelled number is never given again, nor issued.",
  },
  REGISTER_DOCUMENT_ELSEWHERE: {
    status: 409,
    title: 'Document numbered elsewhere',
    detail: "The document already holds a number in another office's register.",
  },
  DOCUMENT_SIGNER_MISMATCH: {
    status: 403,
    title: 'Not the document’s signer',
    detail: 'Only the person the document names as its signer may sign it. Nothing was changed.',
  },
  DOCUMENT_VERSION_NOT_FOUND: {
    status: 404,
    title: 'Document version not found',
    detail: 'The document has no PDF of this version yet (signed once signed, issued once issued).',
  },
  SIGNING_UNAVAILABLE: {
    status: 503,
    title: 'Signing service unavailable',
    detail:
      'The signing service is not configured (LIENTHONG_INTAKE_SIGNING_URL), cannot be reached or failed; try again later. A number already reserved stays reserved for the retry.',
  },
  ISSUE_QUEUE_FULL: {
    status: 503,
    title: 'Too many signatures waiting',
    detail:
      'The caller already has as many signatures or seals running and waiting at intake as it may (LIENTHONG_INTAKE_SEALS_PER_CALLER, LIENTHONG_INTAKE_SEAL_QUEUE_PER_CALLER); try again after Retry-After. Nothing was reserved or changed.',
  },
  SIGNING_PIN_INCORRECT: {
    status: 403,
    title: 'Incorrect PIN',
    detail: 'The signing service refused the PIN (`attemptsLeft` says how many tries remain). Nothing was changed.',
  },
  SIGNING_KEY_LOCKED: {
    status: 423,
    title: 'Signing key locked',
    detail:
      'The signer’s key is locked after wrong PINs; a CA administrator of the office unlocks it. Nothing was changed.',
  },
  SIGNING_PIN_ATTEMPTS_EXCEEDED: {
    status: 429,
    title: 'Too many wrong PINs',
    detail: 'The signer’s key took too many wrong PINs lately (`retryAfterSeconds`). Nothing was changed.',
  },
  SIGNING_KEY_MISSING: {
    status: 409,
    title: 'No signing key',
    detail:
      'The caller has no usable key of the kind needed at the signing service (a personal key for the signer, the office seal for the registry). Nothing was changed.',
  },
  SIGNING_REFUSED: {
    status: 422,
    title: 'Signing refused',
    detail: 'The signing service refused the request; `signingCode` and the detail say why. Nothing was changed.',
  },
  SIGNING_SESSION_NOT_FOUND: {
    status: 404,
    title: 'Two-step session not found',
    detail:
      'No two-step session with this id was prepared by the caller for this document (another person’s or document’s, or never prepared). Nothing was changed.',
  },
  SIGNING_SESSION_USED: {
    status: 409,
    title: 'Two-step session already completed',
    detail: 'The two-step session was completed once already; prepare again. Nothing was changed.',
  },
  SIGNING_SESSION_EXPIRED: {
    status: 410,
    title: 'Two-step session expired',
    detail: 'The two-step session expired before its completion; prepare again. Nothing was changed.',
  },
  SIGNING_ANSWER_INVALID: {
    status: 502,
    title: 'Signing answer refused',
    detail:
      'The signing service answered with a PDF that is not the document followed by an incremental update. Nothing was changed.',
  },
});
