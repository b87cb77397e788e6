/**
 * `@lienthong/kit`: what every lienthong package shares — error catalogues (`defineErrors`,
 * `errorClass`, `errorGuard`, `CodedError`) and the logger slice. It imports nothing, so any
 * package, pure or not, may depend on it.
 */
export { CodedError, defineErrors, errorClass, errorGuard, isCodedError, messageOf } from './errors.ts';
export type {
  CatalogueErrorOptions,
  CodedErrorOptions,
  CodeOf,
  ErrorCatalogue,
  ErrorDefinition,
  ErrorSpec,
} from './errors.ts';
export { silentLogger, type LibLogger } from './logger.ts';
