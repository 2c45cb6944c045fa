import type { PlannedStep } from '../runbooks/model.js';
import { changeReason } from './change-reason.js';

const base: PlannedStep = {
  phaseKey: 'keystone',
  storyKey: 'keystone-install',
  key: 's',
  position: 0,
  node: 'n1',
  kind: 'command',
  title: 'T',
};

describe('changeReason', () => {
  it('names the file and the services restarted for a file step, and no hash of its content (it may hold secrets)', () => {
    const sha256 = 'ab'.repeat(32);
    const reason = changeReason({
      ...base,
      kind: 'file',
      guard: `sha256sum /etc/keystone/keystone.conf 2>/dev/null | grep -q '^${sha256} '`,
      file: {
        path: '/etc/keystone/keystone.conf',
        content: 'admin_token = s3cret',
        sha256,
        holdsSecret: true,
        digest: 'masked-digest',
        mode: '0640',
        owner: 'root',
        group: 'keystone',
        language: 'ini',
        notify: ['httpd'],
        backup: false,
      },
    });
    expect(reason).toBe(
      '/etc/keystone/keystone.conf differs from the file the runbook renders: it is replaced, then httpd restarted if running',
    );
    expect(reason).not.toContain(sha256.slice(0, 8));
  });

  it('quotes the check that did not pass and the first line of what runs, cut when long', () => {
    const reason = changeReason({ ...base, guard: 'rpm -q chrony', run: `yum install -y chrony\n${'x'.repeat(10)}` });
    expect(reason).toBe('its check `rpm -q chrony` did not pass, so it runs `yum install -y chrony`');
    expect(changeReason({ ...base, guard: 'g', run: 'y'.repeat(300) })).toMatch(/`y{240}…`$/);
    expect(changeReason({ ...base, run: 'date' })).toBe('the step has no check and runs `date`');
  });
});
