/** The part of jsfive (a pure-JavaScript HDF5 reader, no type definitions of its own) the Keras .h5 reader uses. */
declare module 'jsfive' {
  export class Group {
    readonly attrs: Record<string, unknown>;
    readonly keys: string[];
    get(path: string): Group | Dataset | null;
  }
  export class Dataset {
    readonly attrs: Record<string, unknown>;
    readonly shape: number[];
    readonly dtype: unknown;
    readonly value: ArrayLike<number> | unknown[];
  }
  export class File extends Group {
    constructor(buffer: ArrayBuffer, filename?: string);
  }
}
