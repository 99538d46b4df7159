/** A batch of exported documents → one ZIP archive (jszip). */
import JSZip from 'jszip';

export interface ZipEntry {
  /** Path inside the archive, e.g. "INV-2025-0001.pdf" or "ubl/INV-2025-0001.xml". */
  name: string;
  data: Buffer | Uint8Array | string;
}

/** Makes a document number safe as a file name ("INV/2025:01" → "INV_2025_01"). */
export function safeFileName(name: string): string {
  const noControl = Array.from(name, (ch) => (ch.charCodeAt(0) < 0x20 ? '_' : ch)).join('');
  const cleaned = noControl.replace(/[\\/:*?"<>|]+/g, '_').replace(/^\.+/, '_').trim();
  return cleaned || '_';
}

/**
 * Packs the files into a ZIP (DEFLATE). Names must be unique; a duplicate gets " (2)", " (3)" … before its
 * extension so no document is silently overwritten. Entry dates are fixed (1980-01-01) so the same
 * input always gives the same bytes.
 */
export async function zipDocuments(files: ZipEntry[], opts: { compressionLevel?: number } = {}): Promise<Buffer> {
  const zip = new JSZip();
  const used = new Set<string>();
  const fixedDate = new Date(Date.UTC(1980, 0, 1));
  for (const f of files) {
    const parts = f.name.split('/').map(safeFileName);
    let name = parts.join('/');
    if (used.has(name)) {
      const dot = name.lastIndexOf('.');
      const stem = dot > name.lastIndexOf('/') ? name.slice(0, dot) : name;
      const ext = dot > name.lastIndexOf('/') ? name.slice(dot) : '';
      let n = 2;
      while (used.has(`${stem} (${n})${ext}`)) n++;
      name = `${stem} (${n})${ext}`;
    }
    used.add(name);
    zip.file(name, f.data, { date: fixedDate, createFolders: false });
  }
  return zip.generateAsync({
    type: 'nodebuffer',
    compression: 'DEFLATE',
    compressionOptions: { level: opts.compressionLevel ?? 6 },
    platform: 'UNIX',
  });
}
