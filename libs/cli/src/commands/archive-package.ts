/** The archive's answers `lienthong archive` reads: a record, a page of a search, a package (services/archive README). */
import type { ClientConfig } from '../client/client-config.ts';
import { callService } from '../client/service-client.ts';
import { CliError } from '../errors.ts';
import type { CliIo } from '../io.ts';

/** A catalog record as the archive shows it. */
export interface ArchiveRecord {
  id: string;
  kind: string;
  issuingOffice: string;
  receivingOffices: string[];
  number: number;
  symbol: string;
  documentType: string;
  issuedDate: string;
  signer: { name: string; subject: string };
  status: string;
  file: string | null;
  subject: string;
}

/** One object of a package. */
export interface PackageObject {
  name: string;
  key: string;
  versionId: string;
  sha256: string;
  size: number;
  mediaType: string;
}

/** A record's package (`GET /v1/records/{id}/package`). */
export interface ArchivePackage {
  recordId: string;
  retentionClass: string;
  retainUntil: string | null;
  lockedUntil: string;
  legalHold: boolean;
  validation: { indication: string; subIndication: string | null };
  objects: PackageObject[];
}

/** A record id (the archive's are UUIDs). */
export const recordIdPattern = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/**
 * An object name as manifests write them, as the archive's route takes it: up to four
 * segments (delivery's evidence is `evidence/<delivery>/<batch>.json`), each starting with a
 * letter or digit, so no `..` or empty segment.
 */
export const objectNamePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,99}){0,3}$/;

/** The route of object `name` of record `id`: the original's own, else `objects/NAME` with its slashes as %2F. */
export function objectPath(id: string, name: string): string {
  return name === 'document.pdf'
    ? `/v1/records/${id}/original`
    : `/v1/records/${id}/objects/${encodeURIComponent(name)}`;
}

/** The id as given, or a USAGE error. */
export function recordIdOf(command: string, id: string): string {
  if (!recordIdPattern.test(id))
    throw new CliError('USAGE', `${command}: ${id} is not a record id (a UUID). Run 'lienthong ${command} --help'.`);
  return id.toLowerCase();
}

/** The package of record `id`, its shape checked (a server that answers otherwise is not an archive). */
export async function fetchPackage(io: CliIo, config: ClientConfig, id: string): Promise<ArchivePackage> {
  const pkg = await callService<ArchivePackage>(io, config, 'archive', {
    method: 'GET',
    path: `/v1/records/${id}/package`,
  });
  const objects = Array.isArray(pkg?.objects) ? pkg.objects : undefined;
  if (
    objects === undefined ||
    objects.some(
      (o) =>
        typeof o?.name !== 'string' ||
        !objectNamePattern.test(o.name) ||
        typeof o.sha256 !== 'string' ||
        !/^[0-9a-f]{64}$/.test(o.sha256) ||
        !Number.isSafeInteger(o.size) ||
        o.size < 0,
    )
  )
    throw new CliError(
      'SERVICE_UNREACHABLE',
      `the archive answered a package of ${id} that is not one: is it a lienthong archive?`,
    );
  return pkg;
}
