/**
 * Reading the YAML files of deploy/: every document of a file, with YAML merge keys (`<<`,
 * which compose files use for shared blocks) resolved. A file with any syntax error throws.
 */
import { readFile } from 'node:fs/promises';
import { parseAllDocuments } from 'yaml';

/** The documents of a YAML text as plain values; throws on the first error of any document. */
export function parseYamlDocuments(text: string, name: string): unknown[] {
  const documents = parseAllDocuments(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  if (!Array.isArray(documents)) throw new Error(`${name}: not a YAML stream`);
  return documents.map((document, index) => {
    const problem = document.errors[0];
    if (problem !== undefined) throw new Error(`${name}, document ${index + 1}: ${problem.message}`);
    return document.toJS() as unknown;
  });
}

/** `parseYamlDocuments` of a file. */
export async function readYamlDocuments(path: string): Promise<unknown[]> {
  return parseYamlDocuments(await readFile(path, 'utf8'), path);
}

/** The one document of a YAML file (compose.yaml, kustomization.yaml …). */
export async function readYamlDocument(path: string): Promise<unknown> {
  const documents = await readYamlDocuments(path);
  if (documents.length !== 1) throw new Error(`${path}: ${documents.length} documents, 1 expected`);
  return documents[0];
}
