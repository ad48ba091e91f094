// Doctor's side of --explain: the environment that preloads the dump module, the trigger, and the dumps.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface ExplainDump {
  pid: number;
  argv: string[];
  resources: string[];
  handles: string[];
  /** lastcall was loaded in that process. */
  lastcall?: boolean;
}

export class Explain {
  readonly dir = mkdtempSync(join(tmpdir(), 'lastcall-doctor-'));

  /** Environment additions: NODE_OPTIONS gains the preload (after what the user set). */
  env(base: NodeJS.ProcessEnv): Record<string, string> {
    const preload = new URL('./explain-preload.js', import.meta.url).href;
    const options = [base.NODE_OPTIONS, `--import=${preload}`].filter(Boolean).join(' ');
    return { NODE_OPTIONS: options, LASTCALL_DOCTOR_EXPLAIN: this.dir };
  }

  trigger(): void {
    writeFileSync(join(this.dir, 'trigger'), '');
  }

  /** Every dump written so far (one per Node process of the tree that was still running). */
  read(): ExplainDump[] {
    const dumps: ExplainDump[] = [];
    for (const name of readdirSync(this.dir)) {
      if (!/^explain-\d+\.json$/.test(name)) continue;
      try {
        dumps.push(JSON.parse(readFileSync(join(this.dir, name), 'utf8')) as ExplainDump);
      } catch {
        // half written when the process was killed
      }
    }
    return dumps;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** "TCPServerWrap listening on 127.0.0.1:4000, 2 × Timeout": what keeps a process alive, in one line. */
export function summarizeDump(dump: ExplainDump): string {
  const counts = new Map<string, number>();
  for (const r of dump.resources) counts.set(r, (counts.get(r) ?? 0) + 1);
  const described = dump.handles.filter((h) => h.includes(' '));
  const sockets = described.filter((h) => h.startsWith('Socket '));
  const handles = [
    ...described.filter((h) => !h.startsWith('Socket ')),
    ...(sockets.length ? [`${sockets.length} open socket(s), e.g. ${sockets[0]?.slice(7)}`] : []),
  ];
  const resources = [...counts].map(([name, n]) => (n > 1 ? `${n} × ${name}` : name)).join(', ');
  if (handles.length === 0 && resources === '') return 'nothing active';
  return [...handles, resources && `resources: ${resources}`].filter(Boolean).join('; ');
}
