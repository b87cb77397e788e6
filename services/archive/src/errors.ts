/**
 * The archive service's error catalogue (documented in services/archive/README.md). The
 * kit's `serviceErrors` (validation, 401, 403, 404 route) are used as they are.
 */
import { defineErrors } from '@lienthong/kit';

export const archiveErrors = defineErrors({
  RECORD_NOT_FOUND: {
    status: 404,
    title: 'Record not found',
    detail: "The caller's office neither issued nor received a record with this id.",
  },
  CATALOG_SEARCH_INVALID: {
    status: 400,
    title: 'Invalid search',
    detail:
      'The search cannot be run as asked (a date that is not a date, from after to, no word to search); see detail.',
  },
  CATALOG_CURSOR_INVALID: {
    status: 400,
    title: 'Invalid cursor',
    detail: 'The cursor is not one this service handed out for this search; start again without it.',
  },
  ARCHIVE_STORE_UNSAFE: {
    status: 503,
    title: 'Archive store unsafe',
    detail:
      "The archive's object store failed its self-test (a record put there might be deleted or changed); nothing is archived until a check passes.",
  },
  AUDIT_ENTRY_INVALID: {
    status: 500,
    title: 'Invalid audit entry',
    detail: "The archive tried to write an audit entry that is not of the log's shapes; nothing was written.",
  },
  RECORD_OBJECT_NOT_FOUND: {
    status: 404,
    title: 'Object not found',
    detail: "The record's package has no object of this name (names come from its manifest).",
  },
  RANGE_NOT_SATISFIABLE: {
    status: 416,
    title: 'Range not satisfiable',
    detail: 'The Range asked is malformed or lies outside the object; Content-Range names its size.',
  },
  RECORD_CONTENT_MISMATCH: {
    status: 502,
    title: 'Stored object does not match',
    detail:
      'The bytes in the object store do not have the SHA-256 or length the package recorded; the response was cut short.',
  },
  RECORD_CONTENT_UNAVAILABLE: {
    status: 503,
    title: 'Record content unavailable',
    detail: 'The object store could not give the object now; try again later.',
  },
  EXPORT_SELECTION_INVALID: {
    status: 400,
    title: 'Invalid export',
    detail:
      'The export asks for no records, for several selections at once, for a malformed date or for too many records.',
  },
});
