import type { ArgumentMetadata, PipeTransform } from '@nestjs/common';
import { InputError } from './errors.js';

/** C0 controls, DEL and C1 controls. PostgreSQL refuses NUL in text outright (a 500 before this pipe). */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** The same without tab, line feed and carriage return, which multi-line text (a PEM key, a description) needs. */
const CONTROL_BUT_LINE_BREAKS = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

const codePoint = (char: string) => `U+${char.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/**
 * Refuses input carrying control characters, naming the field: `nodes[0].name: contains the
 * control character U+0000`. Path parameters and query values are one-line identifiers, so any
 * control character is refused there; body fields may hold line breaks and tabs. Object keys are
 * checked like values (a secret's name is a key).
 */
export class RejectControlCharactersPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type === 'custom') return value;
    const pattern = metadata.type === 'body' ? CONTROL_BUT_LINE_BREAKS : CONTROL;
    const reasons: string[] = [];
    inspect(value, metadata.data ?? '', pattern, reasons);
    if (reasons.length > 0) throw new InputError(reasons);
    return value;
  }
}

function inspect(value: unknown, field: string, pattern: RegExp, reasons: string[]): void {
  const at = (key: string) => (field ? `${field}.${key}` : key);
  if (typeof value === 'string') {
    const found = pattern.exec(value);
    if (found) reasons.push(`${field || 'value'}: contains the control character ${codePoint(found[0])}`);
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) inspect(item, `${field}[${i}]`, pattern, reasons);
  } else if (value && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = CONTROL.exec(key);
      if (found) reasons.push(`${field || 'value'}: has a key containing the control character ${codePoint(found[0])}`);
      else inspect(item, at(key), pattern, reasons);
    }
  }
}
