// The inbox's file policy as the widget applies it before uploading (the server checks the same
// rules again and has the last word). Self-contained, so web/test can load it without a bundler.

export interface FilePolicy {
  attachments_enabled: boolean;
  max_attachment_bytes: number;
  allowed_mime_types: string[];
}

// The i18n key of what is wrong with a file, or null.
export type FileProblem = 'filesOff' | 'fileEmpty' | 'fileTooLarge' | 'fileType';

// Types a browser would run script from; never sent, whatever allowed_mime_types says.
const ACTIVE = new Set([
  'text/html',
  'application/xhtml+xml',
  'image/svg+xml',
  'text/xml',
  'application/xml',
  'text/javascript',
  'application/javascript',
]);

// "Image/PNG; x=y" -> "image/png".
export function baseType(mime: string): string {
  return mime.split(';')[0].trim().toLowerCase();
}

// Exact entries and "type/*" wildcards, as the server matches them.
export function mimeAllowed(allowed: string[], mime: string): boolean {
  const base = baseType(mime);
  return allowed.some((entry) => {
    const e = entry.toLowerCase();
    return e === base || (e.length > 2 && e.endsWith('/*') && base.startsWith(e.slice(0, -1)));
  });
}

export function checkFile(policy: FilePolicy, file: { size: number; type: string }): FileProblem | null {
  if (!policy.attachments_enabled) return 'filesOff';
  if (file.size === 0) return 'fileEmpty';
  if (file.size > policy.max_attachment_bytes) return 'fileTooLarge';
  const base = baseType(file.type);
  const slash = base.indexOf('/');
  if (slash <= 0 || slash === base.length - 1 || ACTIVE.has(base) || base.endsWith('+xml')) return 'fileType';
  return mimeAllowed(policy.allowed_mime_types, base) ? null : 'fileType';
}

// The file picker's accept attribute: the allowed types (the browser treats it as a hint).
export function acceptAttribute(policy: FilePolicy): string {
  return policy.allowed_mime_types.join(',');
}

// Images the widget shows inline; everything else (SVG included) is a download link.
export function isInlineImage(mime: string): boolean {
  const base = baseType(mime);
  return base.startsWith('image/') && base !== 'image/svg+xml';
}
