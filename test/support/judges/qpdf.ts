/** qpdf: --check (structure) and the form fields it lists. */
import { runTool } from './tools.ts';

export interface QpdfCheck {
  /** Exit 0: no syntax or stream encoding errors and no warnings. */
  readonly ok: boolean;
  /** Exit 3: qpdf could read the file but warned (e.g. a rebuilt xref table). */
  readonly warnings: boolean;
  readonly code: number;
  readonly output: string;
}

/** `qpdf --check FILE`: the file's structure (xref, objects, streams) as qpdf reads it. */
export async function qpdfCheck(file: string): Promise<QpdfCheck> {
  const r = await runTool('qpdf', ['--check', file]);
  return { ok: r.code === 0, warnings: r.code === 3, code: r.code, output: r.stdout + r.stderr };
}

/** One interactive form field as qpdf's JSON (version 2) reports it (ISO 32000-1 §12.7.3). */
export interface QpdfFormField {
  readonly fullName: string;
  /** `/Tx`, `/Sig`, `/Btn`, `/Ch`. */
  readonly fieldType: string;
  /** /V in qpdf's JSON encoding: `u:` before a Unicode text string, `n 0 R` for a reference, null when absent. */
  readonly value: unknown;
}

/** `qpdf --json --json-key=acroform FILE`: the document's fields as qpdf reads them; rejects when qpdf fails. */
export async function qpdfFormFields(file: string): Promise<QpdfFormField[]> {
  const r = await runTool('qpdf', ['--json', '--json-key=acroform', file]);
  if (r.code !== 0 && r.code !== 3) throw new Error(`qpdf --json ${file}: exit ${r.code}: ${r.stderr}`);
  const json = JSON.parse(r.stdout) as {
    acroform?: { fields?: { fullname: string; fieldtype: string; value: unknown }[] };
  };
  return (json.acroform?.fields ?? []).map((f) => ({ fullName: f.fullname, fieldType: f.fieldtype, value: f.value }));
}
