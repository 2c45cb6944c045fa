/** Query parameters that carry credentials in connection URLs (`?password=`, `?sslpassword=`, `?token=`…). */
const SECRET_PARAMETER = /pass|secret|token|key|auth|credential/i;

/** A connection URL fit for logs and /health: the password, and any credential in the query, replaced by ****. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '****';
    for (const name of [...parsed.searchParams.keys()]) if (SECRET_PARAMETER.test(name)) parsed.searchParams.set(name, '****');
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
