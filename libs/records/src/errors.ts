import { defineErrors, errorClass, errorGuard, type CodeOf } from '@lienthong/kit';

/**
 * The error catalogue of `@lienthong/records`. Validators (`validateDocumentMetadata`,
 * `validateEventData`, `readNumberSymbol`) return problems instead of throwing; the
 * throwing forms (`parseNumberSymbol`, `documentType`, `assertTransition`, …) raise these.
 */
export const recordsErrors = defineErrors({
  RECORDS_TEXT_INVALID: { status: 400, title: 'Text is not acceptable' },
  RECORDS_DOCUMENT_TYPE_UNKNOWN: { status: 400, title: 'Unknown document type' },
  RECORDS_NUMBER_SYMBOL_INVALID: { status: 400, title: 'Invalid number and symbol' },
  RECORDS_CODE_UNKNOWN: { status: 400, title: 'Unknown code' },
  RECORDS_SECRECY_NOT_EXCHANGEABLE: {
    status: 422,
    title: 'This secrecy level is not exchanged electronically',
  },
  RECORDS_TRANSITION_NOT_ALLOWED: { status: 409, title: 'State transition not allowed' },
  RECORDS_METADATA_INVALID: { status: 400, title: 'Invalid document metadata' },
  RECORDS_EVENT_TYPE_UNKNOWN: { status: 400, title: 'Unknown event type or version' },
  RECORDS_EVENT_DATA_INVALID: { status: 400, title: 'Invalid event data' },
  RECORDS_SERIES_CONFIG_INVALID: { status: 500, title: 'Invalid register series configuration' },
  RECORDS_PERIOD_UNKNOWN: { status: 500, title: 'No numbering period covers the date' },
});

/** A code of `recordsErrors`. */
export type RecordsErrorCode = CodeOf<typeof recordsErrors>;

/** The error `@lienthong/records` throws: `new RecordsError('RECORDS_…', detail, { extra })`. */
export class RecordsError extends errorClass(recordsErrors) {}

/** `isRecordsError(e)` or `isRecordsError(e, 'RECORDS_…')`. */
export const isRecordsError = errorGuard(RecordsError);
