/**
 * Signing authority forms (thể thức đề ký): the words before the signer's title when the
 * signer does not sign in their own right (docs/DOMAIN.md "Parts of a Party document").
 * The form, title and name are metadata of the signature; the form needs whom it acts
 * for ("T/M BAN THƯỜNG VỤ", "K/T BÍ THƯ").
 */

/** The codes of the authority forms, as printed. */
export const authorityFormCodes = ['T/M', 'K/T', 'T/L', 'TUQ'] as const;

/** An authority form's code. */
export type AuthorityFormCode = (typeof authorityFormCodes)[number];

/** One authority form. */
export interface AuthorityForm {
  code: AuthorityFormCode;
  /** The Vietnamese words the abbreviation stands for. */
  name: string;
  meaning: string;
  source: string;
}

/** The forms as data. TUQ is the state form (Nghị định 30/2020); DOMAIN lists the three Party ones. */
export const authorityForms: readonly AuthorityForm[] = Object.freeze(
  [
    {
      code: 'T/M',
      name: 'thay mặt',
      meaning: 'on behalf of a collective body (the standing committee, the executive committee)',
      source: 'docs/DOMAIN.md',
    },
    {
      code: 'K/T',
      name: 'ký thay',
      meaning: 'a deputy signing for the head',
      source: 'docs/DOMAIN.md',
    },
    { code: 'T/L', name: 'thừa lệnh', meaning: 'by order of the head', source: 'docs/DOMAIN.md' },
    {
      code: 'TUQ',
      name: 'thừa ủy quyền',
      meaning: 'by written authorisation of the head',
      source: 'Nghị định 30/2020 (state practice; not in DOMAIN.md Party list)',
    },
  ].map((f) => Object.freeze(f as AuthorityForm)),
);

/** The form of `code`, or undefined. */
export function findAuthorityForm(code: string): AuthorityForm | undefined {
  return authorityForms.find((f) => f.code === code);
}
