import { badRequest } from './sandbox-error.js';

export interface UploadedFile {
  field: string;
  filename: string;
  mediaType: string;
  data: Buffer;
}

/** multipart/form-data → its file parts (enough for attachment uploads). */
export function parseMultipart(contentType: string | undefined, body: Buffer): UploadedFile[] {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? '');
  if (!contentType?.toLowerCase().startsWith('multipart/form-data') || !boundary) {
    throw badRequest('Attachments must be uploaded as multipart/form-data');
  }
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const files: UploadedFile[] = [];
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (next < 0) break;
    const part = body.subarray(start + delimiter.length + 2, next - 2);
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd >= 0) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*?;\s*name="([^"]*)"(?:;\s*filename="([^"]*)")?/i.exec(headers);
      const type = /content-type:\s*([^\r\n]+)/i.exec(headers);
      if (disposition?.[2] !== undefined) {
        files.push({
          field: disposition[1]!,
          filename: disposition[2],
          mediaType: type?.[1]?.trim() ?? 'application/octet-stream',
          data: Buffer.from(part.subarray(headerEnd + 4)),
        });
      }
    }
    start = next;
  }
  return files;
}
