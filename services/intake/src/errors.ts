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
});
