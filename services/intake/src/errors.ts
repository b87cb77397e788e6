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
});
