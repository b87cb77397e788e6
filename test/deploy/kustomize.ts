/**
 * A small kustomize, enough for deploy/kubernetes: it resolves a kustomization's resources
 * (files and kustomization folders), configMapGenerator (files, literals; no name hash),
 * strategic-merge patches (lists of named items merged by name), replicas, images,
 * namespace and labels, and refuses any other field, a patch or replica count without a
 * target, and a path leaving the kustomization root. The test environment has no kustomize
 * binary; this keeps the base and the overlay honest without one.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, join, relative, resolve } from 'node:path';
import { readYamlDocument, readYamlDocuments } from './yaml-files.ts';

/** One Kubernetes object. */
export interface Resource {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [field: string]: unknown;
}

interface Kustomization {
  apiVersion?: string;
  kind?: string;
  resources?: string[];
  configMapGenerator?: { name: string; files?: string[]; literals?: string[] }[];
  patches?: { path: string }[];
  replicas?: { name: string; count: number }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  namespace?: string;
  labels?: { pairs: Record<string, string>; includeSelectors?: boolean }[];
}

const knownFields = new Set([
  'apiVersion',
  'kind',
  'resources',
  'configMapGenerator',
  'patches',
  'replicas',
  'images',
  'namespace',
  'labels',
]);

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** `path` under `root`; kustomize lets only resources (other kustomizations) lie outside it. */
function inside(root: string, path: string, mayLeave = false): string {
  const full = resolve(root, path);
  if (!mayLeave && relative(root, full).startsWith('..')) throw new Error(`${path} leaves ${root}`);
  return full;
}

function asResource(value: unknown, where: string): Resource {
  if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string') {
    throw new Error(`${where}: not a Kubernetes object (apiVersion, kind)`);
  }
  const metadata = value.metadata;
  if (!isObject(metadata) || typeof metadata.name !== 'string') throw new Error(`${where}: no metadata.name`);
  return value as Resource;
}

/** Strategic merge as kustomize does it for the fields used here: maps merge, named lists merge by name. */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (isObject(target) && isObject(patch)) {
    const merged: Json = { ...target };
    for (const [key, value] of Object.entries(patch))
      merged[key] = key in target ? strategicMerge(target[key], value) : value;
    return merged;
  }
  if (Array.isArray(target) && Array.isArray(patch) && patch.every((item) => isObject(item) && 'name' in item)) {
    const merged = [...target];
    for (const item of patch as Json[]) {
      const at = merged.findIndex((existing) => isObject(existing) && existing.name === item.name);
      if (at < 0) merged.push(item);
      else merged[at] = strategicMerge(merged[at], item);
    }
    return merged;
  }
  return patch;
}

function podSpecOf(resource: Resource): Json | undefined {
  const spec = resource.spec;
  if (!isObject(spec)) return undefined;
  const template = spec.template;
  return isObject(template) && isObject(template.spec) ? template.spec : undefined;
}

/** The containers (and init containers) of a workload's pod template. */
export function containersOf(resource: Resource): Json[] {
  const pod = podSpecOf(resource);
  if (pod === undefined) return [];
  return [...((pod.initContainers as Json[] | undefined) ?? []), ...((pod.containers as Json[] | undefined) ?? [])];
}

async function generateConfigMap(
  root: string,
  generator: NonNullable<Kustomization['configMapGenerator']>[number],
): Promise<Resource> {
  const data: Record<string, string> = {};
  for (const file of generator.files ?? []) data[basename(file)] = await readFile(inside(root, file), 'utf8');
  for (const literal of generator.literals ?? []) {
    const at = literal.indexOf('=');
    if (at < 1) throw new Error(`configMapGenerator ${generator.name}: literal ${literal} is not KEY=VALUE`);
    data[literal.slice(0, at)] = literal.slice(at + 1);
  }
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: generator.name }, data };
}

/** The objects `kustomize build DIR` would print (without generated name hashes). */
export async function kustomizeBuild(dir: string): Promise<Resource[]> {
  const root = resolve(dir);
  const kustomization = (await readYamlDocument(join(root, 'kustomization.yaml'))) as Kustomization;
  for (const field of Object.keys(kustomization)) {
    if (!knownFields.has(field)) throw new Error(`${root}/kustomization.yaml: field ${field} is not handled here`);
  }
  if (kustomization.kind !== 'Kustomization') throw new Error(`${root}/kustomization.yaml: kind is not Kustomization`);

  let resources: Resource[] = [];
  for (const entry of kustomization.resources ?? []) {
    const path = inside(root, entry, true);
    if ((await stat(path)).isDirectory()) resources.push(...(await kustomizeBuild(path)));
    else resources.push(...(await readYamlDocuments(path)).map((doc, i) => asResource(doc, `${entry}#${i + 1}`)));
  }
  for (const generator of kustomization.configMapGenerator ?? []) {
    resources.push(await generateConfigMap(root, generator));
  }
  for (const { path } of kustomization.patches ?? []) {
    for (const [i, doc] of (await readYamlDocuments(inside(root, path))).entries()) {
      const patch = asResource(doc, `${path}#${i + 1}`);
      const at = resources.findIndex((r) => r.kind === patch.kind && r.metadata.name === patch.metadata.name);
      if (at < 0) throw new Error(`${path}: no ${patch.kind} ${patch.metadata.name} to patch`);
      resources[at] = strategicMerge(resources[at], patch) as Resource;
    }
  }
  for (const { name, count } of kustomization.replicas ?? []) {
    const target = resources.find((r) => ['Deployment', 'StatefulSet'].includes(r.kind) && r.metadata.name === name);
    if (target === undefined) throw new Error(`replicas: no Deployment ${name}`);
    target.spec = { ...(target.spec as Json), replicas: count };
  }
  for (const image of kustomization.images ?? []) {
    let used = false;
    for (const container of resources.flatMap(containersOf)) {
      const current = String(container.image);
      const name = current.replace(/@.*$/, '').replace(/:[^/:]*$/, '');
      if (name !== image.name) continue;
      used = true;
      const tag = image.newTag ?? (current.slice(name.length + 1) || undefined);
      container.image = `${image.newName ?? name}${tag === undefined ? '' : `:${tag}`}`;
    }
    if (!used) throw new Error(`images: no container uses ${image.name}`);
  }
  if (kustomization.namespace !== undefined) {
    const namespace = kustomization.namespace;
    resources = resources.map((r) => (r.kind === 'Namespace' ? r : { ...r, metadata: { ...r.metadata, namespace } }));
  }
  for (const { pairs } of kustomization.labels ?? []) {
    resources = resources.map((r) => ({
      ...r,
      metadata: { ...r.metadata, labels: { ...r.metadata.labels, ...pairs } },
    }));
  }
  return resources;
}
