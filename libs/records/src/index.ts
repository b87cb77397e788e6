/**
 * `@lienthong/records`: the domain of Party documents as data and functions, shared by
 * every service. Pure: no network, no database, no files, no clock (times are passed in).
 * The API by area, in the order of the README.
 */

// Errors and problems
export { RecordsError, isRecordsError, recordsErrors, type RecordsErrorCode } from './errors.ts';
export { describeProblems, maxProblems, pointerOf, type Checked, type Problem } from './problems.ts';
export { isRealDateTime } from './schema-problems.ts';
export { checkText, quote, textProblem, type TextRules } from './text.ts';

// Document types
export {
  documentType,
  documentTypeCodePattern,
  documentTypeProblem,
  documentTypes,
  findDocumentType,
  similarDocumentTypes,
  type DocumentType,
} from './document-types.ts';

// Numbers and symbols
export {
  bodyAbbreviationPattern,
  formatNumberSymbol,
  maxNumberSymbolLength,
  parseNumberSymbol,
  printNumberSymbol,
  readNumberSymbol,
  type NumberSymbol,
  type NumberSymbolOptions,
  type NumberSymbolReading,
} from './number-symbol.ts';

// Authority, secrecy, urgency
export {
  authorityFormCodes,
  authorityForms,
  findAuthorityForm,
  type AuthorityForm,
  type AuthorityFormCode,
} from './authority.ts';
export {
  assertExchangeable,
  exchangeRequirement,
  findSecrecyLevel,
  secrecyLevelIds,
  secrecyLevels,
  type ExchangeRequirement,
  type SecrecyLevel,
  type SecrecyLevelId,
} from './secrecy.ts';
export {
  allowsDeadline,
  findUrgencyLevel,
  urgencyLevelIds,
  urgencyLevels,
  type UrgencyLevel,
  type UrgencyLevelId,
} from './urgency.ts';

// Document states
export {
  assertTransition,
  checkAction,
  checkTransition,
  documentStates,
  documentTransitions,
  isDocumentState,
  isFinalState,
  type DocumentState,
  type DocumentTransition,
  type TransitionCheck,
} from './document-states.ts';

// Exchange
export {
  businessTypeIds,
  businessTypeOfCode,
  businessTypes,
  exchangeStatusCodes,
  exchangeStatuses,
  findExchangeStatus,
  type BusinessType,
  type BusinessTypeId,
  type ExchangeParty,
  type ExchangeStatus,
  type ExchangeStatusCode,
} from './exchange.ts';

// Retention and access
export {
  accessClassIds,
  findRetentionClass,
  retainUntil,
  retentionClassIds,
  retentionClasses,
  type AccessClassId,
  type RetentionClass,
  type RetentionClassId,
} from './retention.ts';

// Offices
export { mayBeUnder, officeLevelIds, officeLevels, type OfficeLevel, type OfficeLevelId } from './offices.ts';

// Register series
export {
  defaultSeriesConfig,
  defineSeriesConfig,
  incomingSeriesOf,
  localDate,
  seriesOf,
  type SeriesConfig,
  type SeriesInput,
  type SeriesKey,
  type SharedSeries,
  type Term,
} from './series.ts';

// Schemas and metadata
export {
  AccessClassSchema,
  AuthorityFormSchema,
  BusinessTypeSchema,
  Code,
  DateTime,
  DocumentTypeCode,
  ExchangeStatusCodeSchema,
  FileReference,
  Id,
  NumberSymbolSchema,
  OfficeLevelSchema,
  Recipients,
  RetentionClassSchema,
  SecrecyLevelSchema,
  Sha256,
  Signer,
  Text,
  UrgencyLevelSchema,
} from './schemas.ts';
export {
  DocumentMetadataSchema,
  maxSubjectLength,
  parseDocumentMetadata,
  validateDocumentMetadata,
  type DocumentMetadata,
  type MetadataOptions,
} from './metadata.ts';

// Events
export * from './event-schemas.ts';
export {
  checkEvent,
  eventDefinitions,
  eventTopics,
  findEventDefinition,
  validateEventData,
  type EventData,
  type EventDefinition,
  type EventLike,
} from './events.ts';
