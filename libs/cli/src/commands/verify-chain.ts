import { validatePath } from '@lienthong/pki';
import { parseCommandLine, parseInteger, positionals } from '../args.ts';
import { CliError, EXIT } from '../errors.ts';
import { readCertificateFiles, readCertificatesFile, readCrlFiles } from '../inputs/certificates.ts';
import { parseOid, validationTime } from '../inputs/validation-inputs.ts';
import type { Command } from '../io.ts';
import { formatPathResult, pathResultJson } from '../output/path-report.ts';

const NAME = 'pki verify-chain';

const usage = `Usage: lienthong pki verify-chain LEAF --anchor FILE [--anchor FILE…] [options]

Validates the certification path of the certificate in LEAF (RFC 5280 §6),
building it through the intermediates to one of the trust anchors, with CRL
revocation checking (§6.3) when CRLs are given. Files are PEM (several
certificates or CRLs per file) or DER. When LEAF holds several certificates,
the first is the target and the others are intermediates.

Options:
  --anchor FILE             trust anchor certificate(s) (repeatable, required)
  --intermediate FILE       intermediate CA certificate(s) (repeatable)
  --crl FILE                CRL(s); with at least one, every certificate of the
                            path needs a CRL that decides its status (repeatable)
  --at ISO-8601             validation time (default now), e.g. 2026-06-01T00:00:00Z
  --eku OID|NAME            key purpose the target must carry (repeatable;
                            names: serverAuth, clientAuth, codeSigning,
                            emailProtection, timeStamping, OCSPSigning)
  --max-depth N             most intermediate CA certificates between the leaf
                            and the trust anchor, as openssl -verify_depth
                            counts them (0 = a leaf the anchor issued; default 9)
  --lenient                 judge by RFC 5280 §6 alone, for old certificates
                            from CAs that do not conform; by default the
                            conforming-CA rules of §4 apply to every
                            certificate, the trust anchor's own included
  --policy OID              user-initial-policy-set (repeatable; default anyPolicy)
  --explicit-policy         initial-explicit-policy
  --inhibit-policy-mapping  initial-policy-mapping-inhibit
  --inhibit-any-policy      initial-any-policy-inhibit
  --json                    print the result as JSON
  -h, --help                this help

Exit status: 0 the path is valid; 1 it is not (the reason code, message and
chain are printed); 2 unusable input (missing file, unreadable certificate,
bad date, bad option).
`;

/** `lienthong pki verify-chain`: RFC 5280 §6 path validation of a certificate. */
export const verifyChainCommand: Command = {
  name: NAME,
  summary: 'validate a certificate path to trust anchors (RFC 5280 §6, CRLs)',
  usage,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine(NAME, args, {
      anchor: { type: 'string', multiple: true },
      intermediate: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      at: { type: 'string' },
      eku: { type: 'string', multiple: true },
      'max-depth': { type: 'string' },
      lenient: { type: 'boolean' },
      policy: { type: 'string', multiple: true },
      'explicit-policy': { type: 'boolean' },
      'inhibit-policy-mapping': { type: 'boolean' },
      'inhibit-any-policy': { type: 'boolean' },
      json: { type: 'boolean' },
    });
    const [leafPath] = positionals(NAME, rest, ['leaf']);
    if (values.anchor === undefined || values.anchor.length === 0)
      throw new CliError('USAGE', `${NAME}: at least one --anchor FILE is required. Run 'lienthong ${NAME} --help'.`);
    const time = validationTime(values.at);
    const eku = (values.eku ?? []).map((v) => parseOid('eku', v));
    const policies = (values.policy ?? []).map((v) => parseOid('policy', v));
    // validatePath counts the certificates below the anchor: the intermediates and the leaf.
    const maxDepth =
      values['max-depth'] === undefined ? undefined : parseInteger('max-depth', values['max-depth'], 0, 31) + 1;
    const conformance = values.lenient === true ? 'lenient' : 'strict';
    const [target, ...bundled] = readCertificatesFile(io, leafPath!);
    const anchors = readCertificateFiles(io, values.anchor);
    const intermediates = [...bundled, ...readCertificateFiles(io, values.intermediate)];
    const crls = readCrlFiles(io, values.crl);
    const revocation = crls.length > 0 ? 'crl' : 'none';
    const result = validatePath({
      trustAnchors: anchors,
      target: target!,
      intermediates,
      crls,
      revocation,
      conformance,
      time,
      ...(eku.length === 0 ? {} : { requiredExtendedKeyUsages: eku }),
      ...(policies.length === 0 ? {} : { initialPolicySet: policies }),
      initialExplicitPolicy: values['explicit-policy'] === true,
      initialPolicyMappingInhibit: values['inhibit-policy-mapping'] === true,
      initialAnyPolicyInhibit: values['inhibit-any-policy'] === true,
      ...(maxDepth === undefined ? {} : { maxDepth }),
    });
    const run = { time, revocation, crlCount: crls.length } as const;
    io.stdout(
      values.json === true
        ? `${JSON.stringify(pathResultJson(result, run), null, 2)}\n`
        : formatPathResult(result, run),
    );
    return result.valid ? EXIT.ok : EXIT.invalid;
  },
};
