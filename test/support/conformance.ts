/**
 * The public conformance material beside the project (`../shared/conformance`, see its
 * README): NIST PKITS and the RFC 4134 examples. CI clones the project with shared/ beside it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const conformanceDir = join(import.meta.dirname, '..', '..', '..', 'shared', 'conformance');
export const pkitsDir = join(conformanceDir, 'nist-pkits');
export const rfc4134Dir = join(conformanceDir, 'rfc4134');

/** One case of pkits.json (RFC 5280 §6.1.1 inputs and the expected outcome). */
export interface PkitsCase {
  test_number: string;
  id?: string;
  title: string;
  expected_valid: boolean;
  trust_anchor: string;
  path_ca_to_ee: string[];
  crls: string[];
  initial_policy_set: string[];
  initial_explicit_policy: boolean;
  initial_policy_mapping_inhibit: boolean;
  initial_inhibit_any_policy: boolean;
  expected_user_constrained_policy_set?: string[];
  validation_time: string;
}

/** Every PKITS case, in the order of pkits.json. */
export function loadPkitsCases(): PkitsCase[] {
  return (JSON.parse(readFileSync(join(pkitsDir, 'pkits.json'), 'utf8')) as { testcases: PkitsCase[] }).testcases;
}
