// The parts of yauzl (reading, in the app) and yazl (writing, in tests and
// the benchmark) that we use; neither package ships types.
declare module 'yauzl' {
  import type { EventEmitter } from 'node:events'
  import type { Readable } from 'node:stream'

  export type ExtraField = { id: number; data: Buffer }
  export interface Entry {
    fileName: string | Buffer
    fileNameRaw: Buffer
    extraFields: ExtraField[]
    generalPurposeBitFlag: number
    compressedSize: number
    uncompressedSize: number
    compressionMethod: number
    isEncrypted(): boolean
  }
  export interface ZipFile extends EventEmitter {
    entryCount: number
    readEntry(): void
    openReadStream(entry: Entry, callback: (error: Error | null, stream: Readable) => void): void
    close(): void
  }
  export type Options = {
    lazyEntries?: boolean
    autoClose?: boolean
    decodeStrings?: boolean
    validateEntrySizes?: boolean
    strictFileNames?: boolean
  }
  export function open(path: string, options: Options, callback: (error: Error | null, zipfile: ZipFile) => void): void
  export function getFileNameLowLevel(generalPurposeBitFlag: number, fileNameBuffer: Buffer, extraFields: ExtraField[], strictFileNames: boolean): string
  const yauzl: { open: typeof open; getFileNameLowLevel: typeof getFileNameLowLevel }
  export default yauzl
}

declare module 'yazl' {
  import type { Readable } from 'node:stream'

  export class ZipFile {
    outputStream: Readable
    addBuffer(buffer: Buffer, name: string, options?: { compress?: boolean; mtime?: Date; mode?: number }): void
    addReadStream(stream: Readable, name: string, options?: { compress?: boolean; mtime?: Date; size?: number }): void
    addEmptyDirectory(name: string): void
    end(): void
  }
  const yazl: { ZipFile: typeof ZipFile }
  export default yazl
}
