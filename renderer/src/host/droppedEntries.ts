/** A file or folder the user dropped or picked, with every file in it and its path inside. */
export interface DroppedEntry {
  name: string;
  kind: 'file' | 'folder';
  /** The entry itself as a File (the desktop shell can tell its local path). */
  file: File | undefined;
  files: { file: File; relativePath: string }[];
}

interface FileSystemEntryLike {
  name: string;
  isFile: boolean;
  isDirectory: boolean;
  file?(success: (file: File) => void, failure: (error: unknown) => void): void;
  createReader?(): {
    readEntries(success: (entries: FileSystemEntryLike[]) => void, failure: (e: unknown) => void): void;
  };
}

function fileOf(entry: FileSystemEntryLike): Promise<File> {
  return new Promise((resolve, reject) => entry.file?.(resolve, reject));
}

/** All entries of a directory: readEntries answers in batches until it answers none. */
async function childrenOf(entry: FileSystemEntryLike): Promise<FileSystemEntryLike[]> {
  const reader = entry.createReader?.();
  if (!reader) return [];
  const all: FileSystemEntryLike[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntryLike[]>((resolve, reject) =>
      reader.readEntries(resolve, reject),
    );
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

async function walk(entry: FileSystemEntryLike, prefix: string, out: DroppedEntry['files']): Promise<void> {
  const path = prefix ? `${prefix}/${entry.name}` : entry.name;
  if (entry.isFile) out.push({ file: await fileOf(entry), relativePath: path });
  else if (entry.isDirectory) for (const child of await childrenOf(entry)) await walk(child, path, out);
}

/**
 * What a drop carries, folders walked to their files. Entries must be taken synchronously during the
 * drop event (the DataTransfer empties afterwards), which is why this takes the items at once.
 */
export function droppedEntries(transfer: DataTransfer): Promise<DroppedEntry[]> {
  const items = [...transfer.items].filter((item) => item.kind === 'file');
  const taken = items.map((item) => ({
    entry: (item.webkitGetAsEntry?.() ?? null) as FileSystemEntryLike | null,
    file: item.getAsFile() ?? undefined,
  }));
  return Promise.all(
    taken.map(async ({ entry, file }): Promise<DroppedEntry | undefined> => {
      if (!entry)
        return file
          ? { name: file.name, kind: 'file', file, files: [{ file, relativePath: file.name }] }
          : undefined;
      const files: DroppedEntry['files'] = [];
      await walk(entry, '', files);
      return { name: entry.name, kind: entry.isDirectory ? 'folder' : 'file', file, files };
    }),
  ).then((entries) => entries.filter((e): e is DroppedEntry => e !== undefined));
}

/** Files picked in an `<input type="file">` (with `webkitdirectory`, a folder's files). */
export function pickedEntries(list: FileList): DroppedEntry[] {
  const files = [...list];
  const inFolder = files.filter((f) => f.webkitRelativePath);
  if (inFolder.length === 0)
    return files.map((file) => ({
      name: file.name,
      kind: 'file',
      file,
      files: [{ file, relativePath: file.name }],
    }));
  const name = inFolder[0]?.webkitRelativePath.split('/')[0] || 'folder';
  return [
    {
      name,
      kind: 'folder',
      file: undefined,
      files: inFolder.map((file) => ({ file, relativePath: file.webkitRelativePath })),
    },
  ];
}

/** Local paths of dropped or picked entries, for the core to read; `release` once they are uploaded. */
export interface LocalPaths {
  paths: string[];
  release(): void;
}
