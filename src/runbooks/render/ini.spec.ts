import { describe, expect, it } from '@jest/globals';
import { renderIni } from './ini.js';

describe('renderIni', () => {
  it('writes sections and keys in the given order, bare keys without a value', () => {
    const text = renderIni({
      mysqld: { 'default-storage-engine': 'innodb', innodb_file_per_table: null, port: 3306 },
      client: { quick: true },
    });
    expect(text).toBe('[mysqld]\ndefault-storage-engine = innodb\ninnodb_file_per_table\nport = 3306\n\n[client]\nquick = true\n');
  });

  it('is deterministic', () => {
    const sections = { DEFAULT: { b: '1', a: '2' }, z: { k: 'v' } };
    expect(renderIni(sections)).toBe(renderIni(structuredClone(sections)));
  });

  it('refuses values that would inject another line or section', () => {
    expect(() => renderIni({ DEFAULT: { password: 'x\n[database]\nconnection = evil' } })).toThrow(
      'DEFAULT.password contains a line break',
    );
    expect(() => renderIni({ 'bad]name': {} })).toThrow('INI section name "bad]name" is not valid');
    expect(() => renderIni({ s: { 'a = b': 'c' } })).toThrow('INI key "a = b" in [s] is not valid');
  });
});
