import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InputError } from './errors.js';

/** C0 controls, DEL and C1 controls. PostgreSQL refuses NUL in text outright (a 500 before this pipe). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same without tab, line feed and carriage return, which multi-line text (a PEM key, a description) needs. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Only what PostgreSQL cannot store at all: NUL (text and JSON columns alike). */
const NUL = /\u0000/;
/** Half of a UTF-16 surrogate pair on its own: not Unicode, and a JSON column refuses its escape (a 500 otherwise). */
const UNPAIRED_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

const codePoint = (char: string) => `U+${char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Refuses input carrying control characters or unpaired surrogates, naming the field:
 * `nodes[0].name: contains the control character U+0000`. Path parameters and query values are
 * one-line identifiers, so any control character is refused there; body fields may hold line
 * breaks and tabs. Object keys are checked like values (a secret's name is a key).
 */
export class RejectControlCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const reasons = badTextReasons(value, metadata.data ?? '', metadata.type === 'body' ? CONTROL_BUT_LINE_BREAKS : CONTROL);
    if (reasons.length > 0) throw new InputError(reasons);
    return value;
  }
}

/**
 * Why strings inside `value` (keys included) cannot be taken, one reason per field: a character
 * matching `control` (default: only NUL, which nothing can store) or an unpaired surrogate.
 */
export function badTextReasons(value: unknown, field = '', control: RegExp = NUL): string[] {
  const reasons: string[] = [];
  inspect(value, field, control, reasons);
  return reasons;
}

function problem(text: string, control: RegExp): string | undefined {
  const found = control.exec(text);
  if (found) return `the control character ${codePoint(found[0])}`;
  const half = UNPAIRED_SURROGATE.exec(text);
  if (half) return `an unpaired surrogate ${codePoint(half[0])} (not valid Unicode)`;
  return undefined;
}

function inspect(value: unknown, field: string, pattern: RegExp, reasons: string[]): void {
  const at = (key: string) => (field ? `${field}.${key}` : key);
  if (typeof value === 'string') {
    const found = problem(value, pattern);
    if (found) reasons.push(`${field || 'value'}: contains ${found}`);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) inspect(item, `${field}[${i}]`, pattern, reasons);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = problem(key, CONTROL);
      if (found) reasons.push(`${field || 'value'}: has a key containing ${found}`);
      else inspect(item, at(key), pattern, reasons);
    }
  }
}
