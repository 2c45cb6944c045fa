/**
 * The figures of one bench run: printed as a table (value, baseline, ratio, target) and written to
 * bench/results/latest.json as `{ machine, startedAt, figures: [...] }`.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Figure {
  /** Group and what was measured, e.g. "1 fan-out N=50 K=20 true: engine". */
  name: string;
  value: number;
  unit: string;
  /** What the value is compared with, when there is one. */
  baseline?: { name: string; value: number };
  /** value / baseline.value. */
  ratio?: number;
  /** e.g. "ratio <= 1.5" or "value < 250". */
  target?: string;
  met?: boolean;
  note?: string;
}

export interface Target {
  /** What is compared with the bound: the value itself or its ratio to the baseline. */
  of: 'value' | 'ratio';
  op: '<' | '<=' | '>=';
  bound: number;
}

export interface Machine {
  hostname: string;
  cpus: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  /** `uptime` load averages (1, 5, 15 min) when the run started and when it ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  uptime: string;
}

export class Report {
  readonly figures: Figure[] = [];
  readonly startedAt = new Date().toISOString();
  readonly machine: Machine = machineInfo();

  add(figure: Omit<Figure, 'ratio' | 'met' | 'target'>, target?: Target): Figure {
    const full: Figure = { ...figure, value: round(figure.value) };
    if (figure.baseline) {
      full.baseline = { ...figure.baseline, value: round(figure.baseline.value) };
      full.ratio = figure.baseline.value > 0 ? round(figure.value / figure.baseline.value, 3) : undefined;
    }
    if (target) {
      const subject = target.of === 'value' ? full.value : full.ratio;
      full.target = `${target.of === 'value' ? full.unit : 'ratio'} ${target.op} ${target.bound}`;
      if (subject !== undefined)
        full.met = target.op === '<' ? subject < target.bound : target.op === '<=' ? subject <= target.bound : subject >= target.bound;
    }
    this.figures.push(full);
    console.log(`  ${describe(full)}`);
    return full;
  }

  /** A figure that could not be measured: recorded with its reason, so the table says why it is missing. */
  missing(name: string, unit: string, reason: string): void {
    this.figures.push({ name, value: Number.NaN, unit, note: reason });
    console.log(`  ${name}: not measured (${reason})`);
  }

  write(file: string): void {
    this.machine.loadAtEnd = os.loadavg().map((l) => Math.round(l * 100) / 100);
    mkdirSync(path.dirname(file), { recursive: true });
    const figures = this.figures.map((f) => ({ ...f, value: Number.isNaN(f.value) ? null : f.value }));
    writeFileSync(file, `${JSON.stringify({ machine: this.machine, startedAt: this.startedAt, figures }, null, 2)}\n`);
  }

  printTable(): void {
    const header = ['figure', 'value', 'baseline', 'ratio', 'target', 'met'];
    const rows = this.figures.map((f) => [
      f.name,
      Number.isNaN(f.value) ? `— (${f.note})` : `${f.value} ${f.unit}`,
      f.baseline ? `${f.baseline.value} ${f.unit} (${f.baseline.name})` : '',
      f.ratio !== undefined ? `${f.ratio}×` : '',
      f.target ?? '',
      f.met === undefined ? '' : f.met ? 'yes' : 'NO',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
    const line = (cells: string[]) => `| ${cells.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
    console.log(['', line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n'));
  }
}

function describe(f: Figure): string {
  const base = f.baseline ? `  vs ${f.baseline.name} ${f.baseline.value} ${f.unit} (${f.ratio}×)` : '';
  const target = f.target ? `  target ${f.target}: ${f.met ? 'met' : 'MISSED'}` : '';
  return `${f.name}: ${f.value} ${f.unit}${base}${target}${f.note ? `  [${f.note}]` : ''}`;
}

export function round(value: number, digits = 3): number {
  if (!Number.isFinite(value)) return value;
  const scale = 10 ** Math.max(0, digits - Math.floor(Math.log10(Math.abs(value) || 1)) - 1);
  return Math.round(value * scale) / scale;
}

function machineInfo(): Machine {
  let uptime = '';
  try {
    uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  } catch {
    uptime = `load average: ${os.loadavg().join(', ')}`;
  }
  return {
    hostname: os.hostname(),
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    memoryGb: round(os.totalmem() / 2 ** 30, 2),
    node: process.version,
    kernel: `${os.type()} ${os.release()}`,
    loadAtStart: os.loadavg().map((l) => Math.round(l * 100) / 100),
    uptime,
  };
}
