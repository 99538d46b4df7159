/** Test helpers: locating ../shared, checking external tools, reading XML values. */
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { create } from 'xmlbuilder2';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** ../shared beside the repo, overridable with CADENCE_SHARED_DIR. */
export const sharedDir = path.resolve(process.env.CADENCE_SHARED_DIR ?? path.resolve(repoRoot, '..', 'shared'));

export const resultsDir = path.join(repoRoot, 'test-results');

export function hasCommand(cmd: string, args: string[] = ['-v']): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return !r.error;
}

/** Why the e-invoice validator cannot run here, or null when it can. */
export function validatorMissing(): string | null {
  const script = path.join(sharedDir, 'einvoice', 'validate.sh');
  if (!existsSync(sharedDir)) return `shared folder not found at ${sharedDir} (set CADENCE_SHARED_DIR)`;
  if (!existsSync(script)) return `${script} not found`;
  if (!hasCommand(process.env.JAVA ?? 'java', ['-version'])) return 'java not found (apt-get install default-jre-headless)';
  const saxon = process.env.SAXON_JAR ?? '/usr/share/java/Saxon-HE.jar';
  if (!existsSync(saxon)) return `Saxon-HE not found at ${saxon} (apt-get install libsaxonhe-java)`;
  if (!hasCommand('xmllint', ['--version'])) return 'xmllint not found (apt-get install libxml2-utils)';
  return null;
}

export interface FileVerdict {
  fatal: number;
  warnings: number;
  findings: string[];
}

/** Runs validate.sh once over all files (one JVM) and returns the verdict per absolute path. */
export function runValidator(files: string[], profile = 'en16931'): { status: number | null; byFile: Map<string, FileVerdict>; output: string } {
  const script = path.join(sharedDir, 'einvoice', 'validate.sh');
  const r = spawnSync('bash', [script, '-p', profile, ...files], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`;
  const byFile = new Map<string, FileVerdict>();
  let cur: FileVerdict | null = null;
  for (const line of (r.stdout ?? '').split('\n')) {
    if (line.startsWith('== ')) {
      cur = { fatal: -1, warnings: 0, findings: [] };
      byFile.set(line.slice(3).trim(), cur);
    } else if (cur && line.startsWith('-- ')) {
      const m = /(\d+) fatal, (\d+) warning/.exec(line);
      if (m) {
        cur.fatal = Number(m[1]);
        cur.warnings = Number(m[2]);
      }
    } else if (cur && /^(FATAL|ERROR|WARNING|INFORMATION)\t/.test(line)) {
      cur.findings.push(line);
    }
  }
  return { status: r.status, byFile, output };
}

/** Minimal XML reader for assertions: paths of qualified names below the root element. */
export function readXml(xml: string) {
  const root = create(xml).root().node as unknown as Element;
  const find = (from: Element, steps: string[]): Element[] => {
    let cur: Element[] = [from];
    for (const step of steps) {
      const next: Element[] = [];
      for (const el of cur) {
        for (const ch of Array.from(el.childNodes)) {
          if (ch.nodeType === 1 && (ch as Element).nodeName === step) next.push(ch as Element);
        }
      }
      cur = next;
    }
    return cur;
  };
  const api = {
    root,
    rootName: root.nodeName,
    all: (p: string) => find(root, p.split('/')),
    texts: (p: string) => find(root, p.split('/')).map((e) => e.textContent ?? ''),
    text: (p: string) => find(root, p.split('/'))[0]?.textContent ?? undefined,
    attr: (p: string, name: string) => find(root, p.split('/'))[0]?.getAttribute(name) ?? undefined,
    count: (p: string) => find(root, p.split('/')).length,
  };
  return api;
}
