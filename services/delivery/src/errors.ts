/**
 * The delivery service's error catalogue (documented in services/delivery/README.md). The
 * kit's `serviceErrors` (validation, 401, 403, 413, 415, 404 route) are used as they are.
 */
import { defineErrors } from '@lienthong/kit';

export const deliveryErrors = defineErrors({
  INBOX_ENTRY_NOT_FOUND: {
    status: 404,
    title: 'Not in your inbox',
    detail: "The caller's office has no delivered document with this id.",
  },
  DELIVERY_NOT_FOUND: {
    status: 404,
    title: 'Delivery not found',
    detail: "The caller's office sent no document with this delivery id.",
  },
  DELIVERY_ALREADY_ANSWERED: {
    status: 409,
    title: 'Already answered',
    detail: 'The document was accepted or refused already; `current` gives the status. Nothing was changed.',
  },
  DELIVERY_TRANSITION_NOT_ALLOWED: {
    status: 409,
    title: 'Status change not allowed',
    detail: 'The delivery is in a status this change cannot leave; `current` gives it and `allowed` what may follow.',
  },
  RECALL_NOT_ASKED: {
    status: 409,
    title: 'No recall to answer',
    detail: 'The sender has not recalled this document; `current` gives its status. Nothing was changed.',
  },
  RECALL_ALREADY_ANSWERED: {
    status: 409,
    title: 'Recall already answered',
    detail: 'The recall was accepted (15) or refused (16) already; `current` gives which. Nothing was changed.',
  },
  INBOX_CURSOR_INVALID: {
    status: 400,
    title: 'Invalid cursor',
    detail: 'The cursor is not one this service handed out; start again without it.',
  },
  CONTENT_INTEGRITY_FAILED: {
    status: 502,
    title: 'Stored document does not match',
    detail:
      'The bytes in the object store do not have the SHA-256 or length the issue recorded; nothing was handed over.',
  },
  CONTENT_UNAVAILABLE: {
    status: 503,
    title: 'Document content unavailable',
    detail: 'The object store could not give the document now; try again later.',
  },
  INTAKE_UNAVAILABLE: {
    status: 503,
    title: 'Intake unavailable',
    detail:
      'The incoming register (intake, LIENTHONG_DELIVERY_INTAKE_URL) is not configured, cannot be reached or failed; the document stays arrived, try again (the same number is kept).',
  },
  INTAKE_REFUSED: {
    status: 422,
    title: 'Incoming register refused',
    detail: 'Intake refused to register the document; `intakeCode` and the detail say why. Nothing was changed.',
  },
  WEBHOOKS_NOT_CONFIGURED: {
    status: 503,
    title: 'Webhooks not configured',
    detail: 'This installation has no LIENTHONG_DELIVERY_WEBHOOK_KEY: webhooks are off.',
  },
  WEBHOOK_NOT_FOUND: {
    status: 404,
    title: 'No webhook',
    detail: "The caller's office has no webhook registered.",
  },
  WEBHOOK_DELIVERY_NOT_FOUND: {
    status: 404,
    title: 'Webhook delivery not found',
    detail: "The caller's office's webhook has no delivery with this id.",
  },
  WEBHOOK_URL_REFUSED: {
    status: 400,
    title: 'Webhook URL refused',
    detail:
      'The URL is not an allowed target (https, no credentials or fragment, not a private address); nothing was changed.',
  },
});
