import { ConfluenceConfigError, loadConfluenceConfig } from './confluence-config.js';

const CLOUD = {
  CONFLUENCE_BASE_URL: 'https://example.atlassian.net/wiki/',
  CONFLUENCE_USERNAME: 'ops@example.com',
  CONFLUENCE_API_TOKEN: 'ATATT3x-token',
  CONFLUENCE_SPACE_KEY: 'OPS',
};

const errorOf = (env: Record<string, string>) => {
  try {
    loadConfluenceConfig(env);
  } catch (error) {
    return error as ConfluenceConfigError;
  }
  throw new Error('expected a configuration error');
};

describe('loadConfluenceConfig', () => {
  it('is off (null) when no base URL is set', () => {
    expect(loadConfluenceConfig({})).toBeNull();
    expect(loadConfluenceConfig({ CONFLUENCE_BASE_URL: '  ', CONFLUENCE_SPACE_KEY: 'OPS' })).toBeNull();
  });

  it('reads a Cloud configuration and drops the trailing slash', () => {
    expect(loadConfluenceConfig({ ...CLOUD, CONFLUENCE_PARENT_PAGE_ID: '98307' })).toEqual({
      baseUrl: 'https://example.atlassian.net/wiki',
      username: 'ops@example.com',
      password: 'ATATT3x-token',
      spaceKey: 'OPS',
      parentPageId: '98307',
    });
  });

  it('accepts a Data Center password instead of a token', () => {
    const { CONFLUENCE_API_TOKEN: _token, ...rest } = CLOUD;
    const config = loadConfluenceConfig({
      ...rest,
      CONFLUENCE_BASE_URL: 'https://wiki.internal:8443/confluence',
      CONFLUENCE_PASSWORD: 'pw',
    });
    expect(config).toMatchObject({ baseUrl: 'https://wiki.internal:8443/confluence', password: 'pw' });
  });

  it.each([
    [{ CONFLUENCE_BASE_URL: 'not a url' }, 'CONFLUENCE_BASE_URL', /is not a URL/],
    [{ CONFLUENCE_BASE_URL: 'ftp://example.com/wiki' }, 'CONFLUENCE_BASE_URL', /http\(s\)/],
    [{ CONFLUENCE_BASE_URL: 'https://example.atlassian.net' }, 'CONFLUENCE_BASE_URL', /end with \/wiki/],
    [{ CONFLUENCE_BASE_URL: 'https://user:pw@example.atlassian.net/wiki' }, 'CONFLUENCE_BASE_URL', /credentials/],
    [{ CONFLUENCE_USERNAME: '' }, 'CONFLUENCE_USERNAME', /required/],
    [{ CONFLUENCE_API_TOKEN: '' }, 'CONFLUENCE_API_TOKEN', /required/],
    [{ CONFLUENCE_SPACE_KEY: 'OPS SPACE' }, 'CONFLUENCE_SPACE_KEY', /not a space key/],
    [{ CONFLUENCE_PARENT_PAGE_ID: 'home' }, 'CONFLUENCE_PARENT_PAGE_ID', /digits only/],
  ])('names the bad variable: %j', (override, variable, message) => {
    const error = errorOf({ ...CLOUD, ...override });
    expect(error).toBeInstanceOf(ConfluenceConfigError);
    expect(error.variable).toBe(variable);
    expect(error.message).toMatch(message);
    expect(error.message).not.toContain('ATATT3x-token');
  });
});
