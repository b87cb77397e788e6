/**
 * A few rules for deploy/Dockerfile, checked without Docker: stages that name a pinned base
 * image, a multi-stage build, a final stage that runs as a non-root user with a HEALTHCHECK
 * on /healthz and an ENTRYPOINT, production dependencies only, and no ADD from a URL.
 */

/** One instruction: its keyword (upper case), its arguments, the line it starts on. */
export interface Instruction {
  keyword: string;
  args: string;
  line: number;
}

/** The instructions of a Dockerfile, continuation lines joined, comments dropped. */
export function instructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: Instruction | undefined;
  for (const [index, raw] of text.split('\n').entries()) {
    const line = raw.trim();
    if (pending === undefined && (line === '' || line.startsWith('#'))) continue;
    if (pending !== undefined && line.startsWith('#')) continue;
    const continued = line.endsWith('\\');
    const body = continued ? line.slice(0, -1).trim() : line;
    if (pending === undefined) {
      const match = /^(\S+)\s*(.*)$/.exec(body);
      pending = { keyword: (match?.[1] ?? '').toUpperCase(), args: match?.[2] ?? '', line: index + 1 };
    } else {
      pending.args = `${pending.args} ${body}`.trim();
    }
    if (!continued) {
      out.push(pending);
      pending = undefined;
    }
  }
  if (pending !== undefined) out.push(pending);
  return out;
}

/** What is wrong with a Dockerfile (empty when nothing). */
export function lintDockerfile(text: string): string[] {
  const problems: string[] = [];
  const all = instructions(text);
  const args = new Map<string, string>();
  const stages: { image: string; name?: string; body: Instruction[] }[] = [];
  for (const instruction of all) {
    if (instruction.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = instruction.args.split('=', 2);
      if (name !== undefined && value !== undefined) args.set(name.trim(), value.trim());
      continue;
    }
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.split(/\s+/).filter((w) => !w.startsWith('--platform'));
      const image = (words[0] ?? '').replace(/\$\{?(\w+)\}?/g, (_all, name: string) => args.get(name) ?? '');
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ image, ...(name === undefined ? {} : { name }), body: [] });
      const known = stages.slice(0, -1).some((s) => s.name === image);
      if (!known && !/^[^\s:@]+(:[\w][\w.-]*|@sha256:[0-9a-f]{64})$/.test(image)) {
        problems.push(`line ${instruction.line}: FROM ${image || '(nothing)'} does not pin a tag or digest`);
      } else if (!known && /:latest$/.test(image)) {
        problems.push(`line ${instruction.line}: FROM ${image} uses latest`);
      }
      continue;
    }
    if (stages.length === 0) {
      problems.push(`line ${instruction.line}: ${instruction.keyword} before the first FROM`);
      continue;
    }
    stages.at(-1)!.body.push(instruction);
    if (instruction.keyword === 'ADD' && /\bhttps?:\/\/|\bgit@/.test(instruction.args)) {
      problems.push(`line ${instruction.line}: ADD from a URL (download in a RUN with a checksum, or COPY)`);
    }
  }
  if (stages.length < 2) problems.push('not a multi-stage build (one FROM)');
  const final = stages.at(-1);
  if (final !== undefined) {
    const users = final.body.filter((i) => i.keyword === 'USER');
    const user = users.at(-1)?.args.split(':')[0]?.trim();
    if (user === undefined) problems.push('the final stage sets no USER (it would run as root)');
    else if (user === 'root' || user === '0') problems.push(`the final stage runs as ${user}`);
    const health = final.body.filter((i) => i.keyword === 'HEALTHCHECK').at(-1);
    if (health === undefined || /^NONE\b/i.test(health.args)) problems.push('the final stage has no HEALTHCHECK');
    else if (!health.args.includes('/healthz')) problems.push('the HEALTHCHECK does not ask /healthz');
    if (!final.body.some((i) => i.keyword === 'ENTRYPOINT')) problems.push('the final stage has no ENTRYPOINT');
  }
  const installs = all.filter((i) => i.keyword === 'RUN' && /\bnpm (ci|install)\b/.test(i.args));
  if (installs.length === 0) problems.push('no RUN npm ci');
  for (const install of installs) {
    if (!/\bnpm ci\b/.test(install.args)) problems.push(`line ${install.line}: npm install instead of npm ci`);
    if (!/--omit[= ]dev\b/.test(install.args)) problems.push(`line ${install.line}: npm ci without --omit=dev`);
  }
  return problems;
}
