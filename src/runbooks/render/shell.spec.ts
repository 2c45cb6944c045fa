import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { shellArgs, shellQuote } from './shell.js';

/** What bash really receives as arguments after parsing the quoted words. */
function bashArgs(words: string): string[] {
  const out = execFileSync('bash', ['-c', `for a in ${words}; do printf '%s\\0' "$a"; done`], { encoding: 'utf8' });
  return out.split('\0').slice(0, -1);
}

const HOSTILE = ["'; rm -rf / #", '$(x)', '`id`', 'a b\tc\nd', "it's", '"$HOME"', '*', '\\', '', '-rf', ';&|<>(){}!'];

describe('shellQuote', () => {
  it.each(HOSTILE)('passes %j to bash as one literal word', (value) => {
    expect(bashArgs(shellQuote(value))).toEqual([value]);
  });

  it('keeps plain words readable', () => {
    expect(shellQuote('openstack-glance-api')).toBe('openstack-glance-api');
    expect(shellQuote('http://192.168.56.11:9292')).toBe('http://192.168.56.11:9292');
    expect(shellQuote('OpenStack Image service')).toBe("'OpenStack Image service'");
  });

  it('quotes every word of an argument list separately', () => {
    expect(bashArgs(shellArgs(['a', "b'; echo pwned", '$(x)']))).toEqual(['a', "b'; echo pwned", '$(x)']);
  });
});
