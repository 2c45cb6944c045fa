/** What the sandbox's read-only HTML views (JIRA /browse, Confluence pages) share. */
export const escapeHtml = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');

/** Only web links become clickable; anything else (javascript:, data:) is shown as text. */
export const safeHref = (url: string): string | undefined => (/^(https?:\/\/|\/)/i.test(url) ? url : undefined);

export const STYLE = `body{font-family:-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;color:#172b4d;padding:0 1em}
table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #c1c7d0;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f4f5f7}
td p,th p{margin:0}.code{margin:1em 0;border:1px solid #c1c7d0;border-radius:3px}.code-title{background:#f4f5f7;padding:4px 8px;font-weight:600;font-family:monospace}
pre{margin:0;padding:8px;overflow:auto;background:#fafbfc;font-size:13px}.lozenge{font-size:11px;font-weight:700;padding:2px 4px;border-radius:3px}
.panel{padding:8px 12px;margin:1em 0;border-radius:3px}details{margin:1em 0}nav{font-size:13px;color:#6b778c}ul.tree{line-height:1.6}
pre.text{white-space:pre-wrap}.comment{border-left:3px solid #dfe1e6;padding-left:8px;margin:1em 0}img{max-width:100%;height:auto}`;

export function htmlPage(title: string, body: string): string {
  return `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head><body>${body}</body></html>`;
}
