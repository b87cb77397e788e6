import { OID } from '@lienthong/pki';
import { parseIsoDate } from '../args.ts';
import { CliError } from '../errors.ts';

const EKU_NAMES: Record<string, string> = {
  serverAuth: OID.serverAuth,
  clientAuth: '1.3.6.1.5.5.7.3.2',
  codeSigning: '1.3.6.1.5.5.7.3.3',
  emailProtection: '1.3.6.1.5.5.7.3.4',
  timeStamping: OID.timeStamping,
  OCSPSigning: OID.ocspSigning,
  ocspSigning: OID.ocspSigning,
};

/** An object identifier in dotted form, or a key purpose name of RFC 5280 §4.2.1.12 (timeStamping, OCSPSigning, …). */
export function parseOid(option: string, value: string): string {
  const oid = EKU_NAMES[value] ?? (value === 'anyPolicy' ? OID.anyPolicy : value);
  if (!/^[0-2](\.\d+)+$/.test(oid))
    throw new CliError(
      'USAGE',
      `--${option} ${value}: expected an object identifier such as 1.3.6.1.5.5.7.3.8${option === 'eku' ? ` or one of ${Object.keys(EKU_NAMES).join(', ')}` : ''}.`,
    );
  return oid;
}

/** The validation time: --at, or now. */
export function validationTime(at: string | undefined, now: () => Date = () => new Date()): Date {
  return at === undefined ? now() : parseIsoDate('at', at);
}
