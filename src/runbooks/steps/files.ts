import type { FileLanguage, FileStep, NodeRole, Template } from '../model.js';
import { renderIni, type IniSections } from '../render/ini.js';
import { mapTemplate } from '../render/template.js';

export interface FileOptions {
  key?: string;
  title?: string;
  language?: FileLanguage;
  mode?: string;
  owner?: string;
  group?: string;
  /** Services restarted when, and only when, the file changed. */
  notify?: string[];
  on?: NodeRole;
}

function keyForPath(path: string): string {
  return `file${path.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

export function writeFile(path: string, content: Template<string>, options: FileOptions = {}): FileStep {
  if (!path.startsWith('/')) throw new Error(`file path "${path}" must be absolute`);
  const step: FileStep = {
    key: options.key ?? keyForPath(path),
    kind: 'file',
    title: options.title ?? `Write ${path}`,
    path,
    content,
    language: options.language ?? 'text',
    mode: options.mode ?? '0644',
    owner: options.owner ?? 'root',
    group: options.group ?? 'root',
  };
  if (options.notify?.length) step.notify = options.notify;
  if (options.on) step.on = options.on;
  return step;
}

/** Write an INI file rendered from ordered sections (see renderIni). */
export function writeIni(path: string, sections: Template<IniSections>, options: FileOptions = {}): FileStep {
  return writeFile(path, mapTemplate(sections, renderIni), { ...options, language: 'ini' });
}
