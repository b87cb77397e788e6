/**
 * `lienthong archive verify ID`: the record's package fetched from the archive, every object
 * downloaded and its SHA-256 and length checked against the package, the manifest object's
 * list compared with the package's, and the original PDF's signatures verified with the code
 * of `lienthong verify` (libs/pades, the EN 319 102-1 report).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseCommandLine, positionals } from '../args.ts';
import { readClientConfig } from '../client/client-config.ts';
import { reportRefusal, ServiceRefusal } from '../client/service-client.ts';
import { EXIT, isCliError } from '../errors.ts';
import { readCertificateFiles, readCrlFiles } from '../inputs/certificates.ts';
import type { Command } from '../io.ts';
import { downloadFromArchive } from './archive-download.ts';
import { fetchPackage, objectPath, recordIdOf } from './archive-package.ts';
import { verifyPdfFile } from './pdf-verify.ts';

/** `lienthong archive verify`. */
export const archiveVerifyCommand: Command = {
  name: 'verify',
  summary: "check an archived record: every object's SHA-256 and length, and the PDF's signatures",
  usage: `Usage: lienthong archive verify ID [--anchor FILE…] [--crl FILE…] [--config FILE] [--json]

Fetches the record's package from the archive and every object of it, checks
each object's SHA-256 and length against the package, the manifest object
(manifest.json) against the package's list, then verifies the original PDF's
signatures as 'lienthong verify' does (name the trust anchor with --anchor;
without one trust is not assessed and the PDF does not pass).

  --anchor FILE   trust anchor certificate(s) (repeatable)
  --crl FILE      CRL(s) (repeatable)
  --config FILE   client configuration (default: $LIENTHONG_CONFIG)
  --json          print { record, objects, problems, pdf } as JSON

Exit status: 0 every object holds and every signature is TOTAL_PASSED; 1
something does not hold (named); 2 unusable command line or configuration, or
the archive unreachable.
`,
  async run(args, io) {
    const { values, positionals: rest } = parseCommandLine('archive verify', args, {
      anchor: { type: 'string', multiple: true },
      crl: { type: 'string', multiple: true },
      config: { type: 'string' },
      json: { type: 'boolean' },
    });
    const [given] = positionals('archive verify', rest, ['id']);
    const id = recordIdOf('archive verify', given!);
    const json = values.json === true;
    // Unreadable anchors or CRLs are a fault of the command line (exit 2), not a finding about the record.
    readCertificateFiles(io, values.anchor);
    readCrlFiles(io, values.crl);
    const config = readClientConfig(io, values.config);
    const dir = mkdtempSync(join(tmpdir(), 'lienthong-archive-verify-'));
    try {
      const pkg = await fetchPackage(io, config, id);
      const problems: string[] = [];
      const objects = [];
      for (const object of pkg.objects) {
        // A name of the package's pattern (no `..`) stays inside the folder; evidence has folders of its own.
        mkdirSync(dirname(join(dir, object.name)), { recursive: true });
        const got = await downloadFromArchive(io, config, objectPath(id, object.name), join(dir, object.name), object);
        objects.push({ name: object.name, sha256: got.sha256, size: got.length, holds: got.kept });
        if (!got.kept)
          problems.push(
            `${object.name}: ${got.length} bytes, SHA-256 ${got.sha256}; the package says ${object.size} bytes, ${object.sha256}`,
          );
      }
      const manifest = objects.find((o) => o.name === 'manifest.json' && o.holds);
      if (manifest !== undefined) {
        const listed =
          (
            JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as {
              objects?: Array<{ name: string; sha256: string }>;
            }
          ).objects ?? [];
        for (const entry of listed) {
          const inPackage = pkg.objects.find((o) => o.name === entry.name);
          if (inPackage?.sha256 !== entry.sha256)
            problems.push(`manifest.json names ${entry.name} with another SHA-256 than the package`);
        }
      } else problems.push('manifest.json: missing or does not hold');
      const pdf = objects.find((o) => o.name === 'document.pdf' && o.holds);
      let pdfCode: number = EXIT.invalid;
      if (pdf === undefined) problems.push('document.pdf: missing or does not hold; its signatures are not verified');
      else {
        if (!json) io.stdout(`signatures of ${id} (document.pdf):\n`);
        try {
          pdfCode = await verifyPdfFile(
            json ? { ...io, stdout: () => {} } : io,
            join(dir, 'document.pdf'),
            {
              ...(values.anchor === undefined ? {} : { anchor: values.anchor }),
              ...(values.crl === undefined ? {} : { crl: values.crl }),
            },
            new Date(),
          );
        } catch (e) {
          // An unsigned or unreadable PDF is a finding about the record, not a fault of the command line.
          if (!isCliError(e)) throw e;
          problems.push(`document.pdf: ${e.message}`);
        }
        if (pdfCode !== EXIT.ok && !problems.some((p) => p.startsWith('document.pdf')))
          problems.push('document.pdf: its signatures do not all pass (TOTAL_PASSED)');
      }
      const valid = problems.length === 0;
      if (json)
        io.stdout(
          `${JSON.stringify({ record: id, valid, objects, problems, pdf: pdfCode === EXIT.ok ? 'TOTAL_PASSED' : 'not passed' }, null, 2)}\n`,
        );
      else {
        for (const o of objects) io.stdout(`  ${o.holds ? 'ok  ' : 'FAIL'} ${o.name} ${o.size} bytes ${o.sha256}\n`);
        for (const p of problems) io.stdout(`  problem: ${p}\n`);
        io.stdout(`record ${id}: ${valid ? 'holds' : 'DOES NOT HOLD'}\n`);
      }
      return valid ? EXIT.ok : EXIT.invalid;
    } catch (e) {
      if (!(e instanceof ServiceRefusal)) throw e;
      return reportRefusal(io, e, json);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
