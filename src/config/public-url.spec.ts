import { ConfigError, loadAppConfig } from './app-config.js';
import { deploymentPageUrl, parsePublicUrl } from './public-url.js';

describe('PUBLIC_URL', () => {
  it('is optional, and builds dashboard deployment links under it (a path prefix kept)', () => {
    expect(loadAppConfig({}).PUBLIC_URL).toBeUndefined();
    expect(loadAppConfig({ PUBLIC_URL: 'https://opsprint.example.com' }).PUBLIC_URL).toBe('https://opsprint.example.com');
    expect(deploymentPageUrl(parsePublicUrl('https://opsprint.example.com/'), 'd-1')).toBe(
      'https://opsprint.example.com/dashboard/deployments/d-1',
    );
    expect(deploymentPageUrl(parsePublicUrl('https://ops.example.com/opsprint'), 'a b')).toBe(
      'https://ops.example.com/opsprint/dashboard/deployments/a%20b',
    );
    expect(deploymentPageUrl(null, 'd-1')).toBeUndefined();
  });

  it.each([
    ['opsprint.example.com', 'PUBLIC_URL: "opsprint.example.com" is not a URL (expected e.g. https://opsprint.example.com)'],
    ['ftp://opsprint.example.com', 'PUBLIC_URL: protocol must be https or http, got "ftp:"'],
    ['https://opsprint.example.com/?x=1', 'PUBLIC_URL: must not carry a query or fragment'],
    ['https://me:pw@opsprint.example.com', 'PUBLIC_URL: must not carry a user name or password'],
  ])('refuses %s with one line naming the setting', (value, line) => {
    let error: unknown;
    try {
      loadAppConfig({ PUBLIC_URL: value });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([line]);
  });
});
