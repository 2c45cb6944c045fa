/** Types of build.mjs for the TypeScript code that calls it (tests). */
export declare const ROOT: string;
export declare function ensureBuilt(options?: {
  root?: string;
  force?: boolean;
  onStart?: (files: number) => void;
}): Promise<{ compiled: number; removed: number; ms: number }>;
