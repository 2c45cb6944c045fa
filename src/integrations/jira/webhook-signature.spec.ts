import { signJiraPayload, verifyJiraSignature } from './webhook-signature.js';

describe('verifyJiraSignature', () => {
  const secret = "It's a Secret to Everybody";
  const body = Buffer.from('Hello World!');
  const atlassianVector = 'sha256=a4771c39fbe90f317c7824e83ddef3caae9cb3d976c214ace1f2937e133263c9';

  it("accepts Atlassian's published test vector", () => {
    expect(verifyJiraSignature(body, atlassianVector, secret)).toBe(true);
    expect(signJiraPayload(body, secret)).toBe(atlassianVector);
  });

  it('refuses a changed body, a wrong secret, a missing or malformed header', () => {
    expect(verifyJiraSignature(Buffer.from('Hello World?'), atlassianVector, secret)).toBe(false);
    expect(verifyJiraSignature(body, atlassianVector, 'another secret')).toBe(false);
    expect(verifyJiraSignature(body, undefined, secret)).toBe(false);
    expect(verifyJiraSignature(body, atlassianVector.replace('sha256=', 'sha1='), secret)).toBe(false);
    expect(verifyJiraSignature(body, atlassianVector.slice(0, -2), secret)).toBe(false);
    expect(verifyJiraSignature(body, atlassianVector, '')).toBe(false);
  });
});
