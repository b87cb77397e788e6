import type { Command } from '../io.ts';
import { archiveGetCommand, archiveSearchCommand } from './archive.ts';
import { archiveExportCommand } from './archive-export.ts';
import { archiveVerifyCommand } from './archive-verify.ts';
import { archiveDisposeCommand, archiveHoldCommand } from './archive-dispose.ts';
import { archiveFixityCommand } from './archive-fixity.ts';
import { auditVerifyCommand } from './audit.ts';
import { caCommand } from './ca.ts';
import { caExpiringCommand } from './ca-expiring.ts';
import { crlCommand } from './crl.ts';
import { deliveryStatusCommand } from './delivery.ts';
import { deliveryEvidenceCommand, inboxEvidenceCommand } from './delivery-evidence.ts';
import { directoryImportCommand, directoryListCommand } from './directory.ts';
import { dlqListCommand, dlqReplayCommand } from './dlq.ts';
import { docGetCommand, docListCommand, docShowCommand } from './doc.ts';
import { docIssueCommand, docSignCommand } from './doc-issue.ts';
import { deliveryRecallCommand, docRecallCommand, docReplaceCommand } from './doc-recall.ts';
import { docSubmitCommand } from './doc-submit.ts';
import {
  inboxAcceptCommand,
  inboxGetCommand,
  inboxListCommand,
  inboxRecallAnswerCommand,
  inboxRefuseCommand,
  inboxStatusCommand,
} from './inbox.ts';
import { inboxFollowCommand } from './inbox-follow.ts';
import { issueCommand } from './issue.ts';
import { keyApproveCommand, keyCertificateCommand, keyRefuseCommand, keyRequestsCommand } from './key-admin.ts';
import { keyRequestCommand } from './key-request.ts';
import { registerExportCommand, registerListCommand } from './register.ts';
import { pdfExtendCommand } from './pdf-extend.ts';
import { pdfSignCommand } from './pdf-sign.ts';
import { pdfStampCommand } from './pdf-stamp.ts';
import { tokenIssueCommand, tokenJwksCommand, tokenKeygenCommand } from './token.ts';
import { tokenKeysCommand } from './token-keys.ts';
import { tokenCsrCommand, tokenListCommand } from './token-device.ts';
import { verifyChainCommand } from './verify-chain.ts';
import { verifyCommand } from './verify.ts';

/** Top-level commands (`lienthong NAME`). */
export const TOP_COMMANDS: ReadonlyMap<string, Command> = new Map([['verify', verifyCommand]]);

/** Commands of the `pki` group (`lienthong pki NAME`). */
export const PKI_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['verify-chain', verifyChainCommand],
  ['ca', caCommand],
  ['issue', issueCommand],
  ['crl', crlCommand],
]);

/** Commands of the `ca` group (`lienthong ca NAME`): the signing service's certification authority. */
export const CA_COMMANDS: ReadonlyMap<string, Command> = new Map([['expiring', caExpiringCommand]]);

/** Commands of the `key` group (`lienthong key NAME`): a signer's keys at the signing service. */
export const KEY_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['request', keyRequestCommand],
  ['requests', keyRequestsCommand],
  ['approve', keyApproveCommand],
  ['refuse', keyRefuseCommand],
  ['certificate', keyCertificateCommand],
]);

/** Commands of the `token` group (`lienthong token NAME`): access tokens, and the signer's USB token (list, csr). */
export const TOKEN_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['keygen', tokenKeygenCommand],
  ['jwks', tokenJwksCommand],
  ['issue', tokenIssueCommand],
  ['keys', tokenKeysCommand],
  ['list', tokenListCommand],
  ['csr', tokenCsrCommand],
]);

/** Commands of the `pdf` group (`lienthong pdf NAME`): PAdES signing, stamping and extension. */
export const PDF_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['sign', pdfSignCommand],
  ['stamp', pdfStampCommand],
  ['extend', pdfExtendCommand],
]);

/** Commands of the `directory` group (`lienthong directory NAME`): the intake service's directory of offices. */
export const DIRECTORY_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['import', directoryImportCommand],
  ['list', directoryListCommand],
]);

/** Commands of the `doc` group (`lienthong doc NAME`): the intake service's documents. */
export const DOC_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['submit', docSubmitCommand],
  ['sign', docSignCommand],
  ['issue', docIssueCommand],
  ['show', docShowCommand],
  ['get', docGetCommand],
  ['list', docListCommand],
  ['recall', docRecallCommand],
  ['replace', docReplaceCommand],
]);

/** Commands of the `register` group (`lienthong register NAME`): the intake service's outgoing register. */
export const REGISTER_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['list', registerListCommand],
  ['export', registerExportCommand],
]);

/** Commands of the `inbox` group (`lienthong inbox NAME`): the delivery service's inbox of your office. */
export const INBOX_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['list', inboxListCommand],
  ['get', inboxGetCommand],
  ['accept', inboxAcceptCommand],
  ['refuse', inboxRefuseCommand],
  ['status', inboxStatusCommand],
  ['recall-answer', inboxRecallAnswerCommand],
  ['follow', inboxFollowCommand],
  ['evidence', inboxEvidenceCommand],
]);

/** Commands of the `delivery` group (`lienthong delivery NAME`): the deliveries your office sent. */
export const DELIVERY_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['status', deliveryStatusCommand],
  ['recall', deliveryRecallCommand],
  ['evidence', deliveryEvidenceCommand],
]);

/** Commands of the `dlq` group (`lienthong dlq NAME`): dead letters of the event bus, for an operator. */
export const DLQ_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['list', dlqListCommand],
  ['replay', dlqReplayCommand],
]);

/** Commands of the `audit` group (`lienthong audit NAME`): the archive's audit log of your office. */
export const AUDIT_COMMANDS: ReadonlyMap<string, Command> = new Map([['verify', auditVerifyCommand]]);

/** Commands of the `archive` group (`lienthong archive NAME`): your office's archived records. */
export const ARCHIVE_COMMANDS: ReadonlyMap<string, Command> = new Map([
  ['search', archiveSearchCommand],
  ['get', archiveGetCommand],
  ['export', archiveExportCommand],
  ['verify', archiveVerifyCommand],
  // More archive commands (dispose, fixity) are appended below.
  ['fixity', archiveFixityCommand],
  ['dispose', archiveDisposeCommand],
  ['hold', archiveHoldCommand],
]);
