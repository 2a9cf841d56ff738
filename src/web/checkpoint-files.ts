// Checkpoints in and out of the page: "Download checkpoint" zips the run's files in a folder
// named after the text (unzip gives a folder every rnnlm command reads; the CLI also reads
// the zip itself), and "Open checkpoint" takes that zip, or the files of a checkpoint folder.

import { unzipSync, zipSync } from 'fflate';
import { checkpointFiles } from '../checkpoint/codec.js';

/** The zip of a checkpoint's files, inside one folder `folder/`. */
export function zipCheckpoint(files: Map<string, Uint8Array>, folder: string): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, bytes] of files) entries[`${folder}/${name}`] = bytes;
  return zipSync(entries, { level: 6 });
}

/** The folder name for a text's checkpoint, as `rnnlm train` names it: the file name without its extension. */
export function folderFor(textName: string): string {
  const base = textName.replace(/\.[^./]*$/, '') || 'model';
  return base.replace(/[^\p{L}\p{N}._-]+/gu, '-');
}

/** Offer bytes as a file to save. */
export function download(bytes: Uint8Array, name: string, type = 'application/zip'): void {
  const url = URL.createObjectURL(new Blob([bytes as BlobPart], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** The checkpoint in files picked or dropped: one zip, or a folder's files (rnnlm.json, model.json, weights.bin, …). */
export async function checkpointFromFiles(list: File[]): Promise<{ name: string; files: Map<string, Uint8Array> }> {
  if (list.length === 0) throw new Error('no files chosen');
  const read = async (f: File) => new Uint8Array(await f.arrayBuffer());
  if (list.length === 1 && /\.zip$/i.test(list[0]!.name)) {
    let all: Record<string, Uint8Array>;
    try {
      all = unzipSync(await read(list[0]!));
    } catch (e) {
      throw new Error(`${list[0]!.name}: is not a readable zip (${(e as Error).message})`);
    }
    return { name: list[0]!.name, files: checkpointFiles(Object.entries(all), list[0]!.name) };
  }
  const entries: Array<[string, Uint8Array]> = [];
  for (const f of list) entries.push([(f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name, await read(f)]);
  const folder = entries[0]![0].includes('/') ? entries[0]![0].split('/')[0]! : 'the chosen files';
  return { name: folder, files: checkpointFiles(entries, folder) };
}
