/**
 * Whether a certificate of another hierarchy (a PKCS#12 import, e.g. from the Government
 * Cipher Committee's CA) names the caller as their office registered them: its CN is the
 * person's registered full name, and it names the office either by the suite's
 * organizationIdentifier (`LT:VN-<code>`, which must then be the caller's office) or, without
 * one, by an O that is the office's legal name. Texts are compared without case, diacritics
 * or extra spaces: other CAs often write "Nguyen Thi Hong Nhung" for "Nguyễn Thị Hồng Nhung".
 */
import { nameValues, officeCodeOf, OID, type Name } from '@lienthong/pki';
import type { RegisteredPerson } from './identity-repository.ts';
import type { RegisteredOffice } from './office-file.ts';

/** A text folded for comparison: no diacritics (đ → d), lower case, white space folded. */
export function foldText(value: string): string {
  return value.normalize('NFD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase().trim().replace(/\s+/g, ' ');
}

const sameText = (a: string, b: string): boolean => foldText(a) === foldText(b);

/** What in `subject` does not match the registered office and person (empty: it names them). */
export function identityMismatches(subject: Name, office: RegisteredOffice, person: RegisteredPerson): string[] {
  const mismatches: string[] = [];
  const names = nameValues(subject, OID.commonName);
  if (!names.some((cn) => sameText(cn, person.name)))
    mismatches.push(
      `the certificate's CN (${names.join(', ') || 'none'}) is not the registered name ${JSON.stringify(person.name)}`,
    );
  const code = officeCodeOf(subject);
  if (code !== undefined) {
    if (code !== office.code)
      mismatches.push(`the certificate names the office ${code}, not the caller's office ${office.code}`);
  } else {
    const organisations = nameValues(subject, OID.organizationName);
    if (!organisations.some((o) => sameText(o, office.name)))
      mismatches.push(
        `the certificate's O (${organisations.join(', ') || 'none'}) is not the office's registered name ${JSON.stringify(office.name)}`,
      );
  }
  return mismatches;
}
