/**
 * Downloads an exported file: in web mode a plain link to GET /api/download/<fileId> (streamed, any size, the session
 * cookie authenticates); in Electron the bytes come through the API (exports.download) and are saved from a Blob.
 */
import { invoke, isElectron } from '../../api/client';
import { saveFile } from '../../components/download';

export async function downloadExport(file: { fileId: string; name: string }): Promise<void> {
  if (isElectron()) {
    saveFile(await invoke('exports.download', { fileId: file.fileId }));
    return;
  }
  const a = document.createElement('a');
  a.href = `/api/download/${encodeURIComponent(file.fileId)}`;
  a.download = file.name;
  a.style.display = 'none';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
